/**
 * The wire protocol, as `@roomchat/sdk/protocol`: everything of `@roomchat/protocol`, where it is
 * defined, re-exported so that the SDK's own modules and apps that import this path keep working.
 */
export * from '@roomchat/protocol';
