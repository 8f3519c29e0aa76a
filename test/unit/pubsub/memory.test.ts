import { MemoryPubSub } from '../../../src/pubsub/memory.js';
import { runPubSubCases } from './pubsub.case.js';

runPubSubCases('memory', () => new MemoryPubSub());
