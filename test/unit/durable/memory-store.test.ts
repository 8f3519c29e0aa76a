import { runStoreCases } from './store.case.js';
import { MemoryStore } from '../../../src/durable/memory-store.js';

runStoreCases('memory', () => new MemoryStore());
