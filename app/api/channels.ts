// Kept free of imports: the sandboxed preload bundles this file and may load nothing else.
export const IPC_CALL_CHANNEL = 'likeness:call';
export const IPC_EVENT_CHANNEL = 'likeness:event';
export const MEDIA_SCHEME = 'likeness-media';
export const APP_SCHEME = 'likeness-app';
