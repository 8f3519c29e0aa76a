// A form POST handled like PHP: the same page renders the form, and on POST validates and answers.
import { definePage } from './$types/contact.js';

export default definePage({
  get: () => ({ title: 'Contact', errors: [], values: { name: '', message: '' }, sent: false }),
  post: (ctx) => {
    const name = String(ctx.body?.name ?? '').trim();
    const message = String(ctx.body?.message ?? '').trim();
    const errors: string[] = [];
    if (!name) errors.push('Please give your name.');
    if (message.length < 5) errors.push('The message needs at least 5 characters.');
    if (errors.length) ctx.status(422);
    return { title: 'Contact', errors, values: { name, message }, sent: errors.length === 0 };
  },
});
