export * from './zaloUsers';
export * from './conversations';
export * from './inboundEvents';
export * from './outbox';
export * from './oaTokens';
