// The browser client of auth-service and resource-service: createClient() and its errors.
// No dependencies; plain ES modules, served as they are. Types: index.d.ts.

export { createClient } from './client.js';
export {
  ApiError,
  NetworkError,
  SessionEndedError,
  describeError,
  formatBytes,
  formatWait,
  readError,
} from './errors.js';
