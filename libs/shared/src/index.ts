export * from './events';
export * from './operations';
export * from './apply';
export * from './duration';
export * from './api-requests';
export * from './submit-rules';
export * from './action-rules';
export * from './history';
