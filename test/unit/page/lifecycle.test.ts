import { afterEach, describe, expect, it, vi } from 'vitest';
import { LifecycleMachine, type Lifecycle } from '../../../src/page/lifecycle.js';

afterEach(() => {
  vi.useRealTimers();
});

const machine = () => {
  const expired: string[] = [];
  const m = new LifecycleMachine({ connectTimeoutMs: 100, retainMs: 200 }, (reason) => expired.push(reason));
  return { m, expired };
};

describe('page lifecycle state machine', () => {
  const all: Lifecycle[] = ['rendering', 'rendered', 'connected', 'disconnected', 'closed'];
  const allowed: Record<Lifecycle, Lifecycle[]> = {
    rendering: ['rendered', 'closed'],
    rendered: ['connected', 'closed'],
    connected: ['connected', 'disconnected', 'closed'],
    disconnected: ['connected', 'closed'],
    closed: [],
  };
  const path: Record<Lifecycle, Lifecycle[]> = {
    rendering: [], rendered: ['rendered'], connected: ['rendered', 'connected'],
    disconnected: ['rendered', 'connected', 'disconnected'], closed: ['closed'],
  };

  for (const from of all) {
    for (const to of all) {
      const ok = allowed[from].includes(to);
      it(`${from} → ${to}: ${ok ? 'allowed' : 'refused'}`, () => {
        const { m } = machine();
        for (const step of path[from]) expect(m.to(step)).toBe(true);
        expect(m.to(to)).toBe(ok);
        expect(m.state).toBe(ok ? to : from);
      });
    }
  }

  it('a rendered page expires after connectTimeoutMs; connecting cancels it', async () => {
    vi.useFakeTimers();
    const a = machine();
    a.m.to('rendered');
    await vi.advanceTimersByTimeAsync(101);
    expect(a.expired).toEqual(['connect-timeout']);
    const b = machine();
    b.m.to('rendered');
    await vi.advanceTimersByTimeAsync(50);
    b.m.to('connected');
    await vi.advanceTimersByTimeAsync(1000);
    expect(b.expired).toEqual([]);
  });

  it('a disconnected page expires after retainMs; a resume cancels it, and each drop starts the wait over', async () => {
    vi.useFakeTimers();
    const { m, expired } = machine();
    m.to('rendered');
    m.to('connected');
    m.to('disconnected');
    await vi.advanceTimersByTimeAsync(150);
    m.to('connected');
    m.to('disconnected');
    await vi.advanceTimersByTimeAsync(150);
    expect(expired).toEqual([]);
    await vi.advanceTimersByTimeAsync(60);
    expect(expired).toEqual(['retain-timeout']);
  });

  it('a closed page arms nothing', async () => {
    vi.useFakeTimers();
    const { m, expired } = machine();
    m.to('rendered');
    m.to('closed');
    await vi.advanceTimersByTimeAsync(1000);
    expect(expired).toEqual([]);
  });
});
