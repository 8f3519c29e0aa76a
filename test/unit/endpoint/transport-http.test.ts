import { runTransportConformance } from './transport.case.js';
import { httpFrameClient } from '../../helpers/frame-clients.js';

runTransportConformance('http', httpFrameClient);
