export * from './events';
export * from './operations';
export * from './apply';
export * from './submit-rules';
export * from './action-rules';
