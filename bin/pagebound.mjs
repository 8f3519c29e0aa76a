#!/usr/bin/env node
// Pages are TypeScript; tsx's loader lets Node import them, and pagebound's own sources, directly.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
