import { runTransportConformance } from './transport.case.js';
import { wsFrameClient } from '../../helpers/frame-clients.js';

runTransportConformance('ws', wsFrameClient);
