/**
 * The attributes `<chat-room>` observes. The loader (loader.ts) registers the element before the
 * rest of the widget is there, and the browser keeps the list it registered with, so the list is
 * kept here, once; a component test checks it against the full element's.
 */
export const observedAttributes = ['server', 'room', 'room-key', 'name', 'app', 'token', 'mode', 'theme', 'open', 'lang', 'strings', 'title-text', 'greeting', 'empty-text', 'persist', 'invite-url', 'sound'];

/** Where the widget remembers the visitor's rooms (controllers/persistence.ts); the loader looks for it to re-join at once. */
export const ROOMS_KEY = 'roomchat:rooms';
