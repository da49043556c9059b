export * from './events';
export * from './operations';
export * from './apply';
export * from './delta';
