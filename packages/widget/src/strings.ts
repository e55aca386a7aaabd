import type { ErrorCode } from '@roomchat/sdk';

/**
 * Every piece of text the widget shows, in one table so it can be translated. Entries that depend
 * on a value are functions. Override some or all of them with the element's `strings` property, or
 * pick a built-in table with `lang`.
 */
export interface ChatStrings {
  /** Heading of the home view. */
  title: string;
  /** Line under the heading. */
  subtitle: string;
  nameLabel: string;
  namePlaceholder: string;
  codeLabel: string;
  codePlaceholder: string;
  join: string;
  create: string;
  or: string;
  joining: string;
  creating: string;
  nameRequired: string;
  codeRequired: string;

  roomLabel: string;
  copyCode: string;
  copied: string;
  members: (count: number) => string;
  membersTitle: string;
  you: string;
  exit: string;

  messagesLabel: string;
  loadOlder: string;
  loadingOlder: string;
  beginning: string;
  empty: string;
  newMessages: string;
  joined: (name: string) => string;
  left: (name: string) => string;
  sentAnImage: (name: string) => string;
  imageAlt: (name: string) => string;
  openImage: string;
  closeImage: string;
  openOriginal: string;

  inputLabel: string;
  inputPlaceholder: string;
  send: string;
  attachImage: string;
  dropImage: string;
  tooLong: (count: number, max: number) => string;
  sending: string;
  uploading: (percent: number) => string;
  failed: string;
  retry: string;
  discard: string;

  connecting: string;
  reconnecting: string;
  offline: string;

  openChat: string;
  closeChat: string;
  unread: (count: number) => string;

  /** Inline error text for each server error code; `fallback` for anything else. */
  errors: Partial<Record<ErrorCode, string>> & { fallback: string };
}

/** English, the default. */
export const en: ChatStrings = {
  title: 'Roomchat',
  subtitle: 'Chat with anyone who has the room code.',
  nameLabel: 'Your name',
  namePlaceholder: 'Pick a name!',
  codeLabel: 'Room code',
  codePlaceholder: 'e.g. K7QW-M3XP',
  join: 'Join a room',
  create: 'Create a room',
  or: 'or',
  joining: 'Joining…',
  creating: 'Creating…',
  nameRequired: 'Pick a name first.',
  codeRequired: 'Enter the code of the room to join.',

  roomLabel: 'Room',
  copyCode: 'Copy room code',
  copied: 'Room code copied',
  members: (n) => (n === 1 ? '1 here' : `${n} here`),
  membersTitle: 'In this room',
  you: 'you',
  exit: 'Exit',

  messagesLabel: 'Messages',
  loadOlder: 'Load older messages',
  loadingOlder: 'Loading older messages…',
  beginning: 'This is the beginning of the room.',
  empty: 'No messages yet. Say hello!',
  newMessages: 'New messages',
  joined: (name) => `${name} joined`,
  left: (name) => `${name} left`,
  sentAnImage: (name) => `${name} sent an image`,
  imageAlt: (name) => `Image from ${name}`,
  openImage: 'Open image',
  closeImage: 'Close',
  openOriginal: 'Open original',

  inputLabel: 'Message',
  inputPlaceholder: 'Write a message…',
  send: 'Send',
  attachImage: 'Attach an image',
  dropImage: 'Drop an image to send it',
  tooLong: (n, max) => `${n} / ${max} characters`,
  sending: 'Sending…',
  uploading: (p) => `Uploading… ${p}%`,
  failed: 'Not sent.',
  retry: 'Retry',
  discard: 'Discard',

  connecting: 'Connecting…',
  reconnecting: 'Connection lost. Reconnecting…',
  offline: 'You are offline. Messages will be sent when you are back.',

  openChat: 'Open chat',
  closeChat: 'Close chat',
  unread: (n) => (n === 1 ? '1 unread message' : `${n} unread messages`),

  errors: {
    ROOM_NOT_FOUND: 'There is no room with that code. Check it and try again.',
    NAME_INVALID: 'That name cannot be used. Use 1 to 40 ordinary characters.',
    MESSAGE_TOO_LONG: 'That message is too long.',
    MESSAGE_EMPTY: 'That message is empty.',
    UNSUPPORTED_MEDIA_TYPE: 'Only PNG, JPEG, GIF and WebP images can be sent.',
    PAYLOAD_TOO_LARGE: 'That image is too large.',
    RATE_LIMITED: 'Slow down a little, then try again.',
    TOO_MANY_ROOMS: 'You are in too many rooms at once. Leave one, then try again.',
    ORIGIN_NOT_ALLOWED: 'This site is not allowed to use this chat server.',
    TIMEOUT: 'The server did not answer in time.',
    DISCONNECTED: 'Cannot reach the server right now.',
    UNAVAILABLE: 'The server is unavailable right now.',
    fallback: 'Something went wrong. Please try again.',
  },
};

/** French. */
export const fr: ChatStrings = {
  ...en,
  title: 'Roomchat',
  subtitle: 'Discutez avec toute personne qui a le code du salon.',
  nameLabel: 'Votre nom',
  namePlaceholder: 'Choisissez un nom !',
  codeLabel: 'Code du salon',
  codePlaceholder: 'ex. K7QW-M3XP',
  join: 'Rejoindre un salon',
  create: 'Créer un salon',
  or: 'ou',
  joining: 'Connexion…',
  creating: 'Création…',
  nameRequired: 'Choisissez d’abord un nom.',
  codeRequired: 'Saisissez le code du salon à rejoindre.',
  roomLabel: 'Salon',
  copyCode: 'Copier le code du salon',
  copied: 'Code copié',
  members: (n) => `${n} présent${n > 1 ? 's' : ''}`,
  membersTitle: 'Dans ce salon',
  you: 'vous',
  exit: 'Quitter',
  messagesLabel: 'Messages',
  loadOlder: 'Charger les messages précédents',
  loadingOlder: 'Chargement…',
  beginning: 'C’est le début du salon.',
  empty: 'Aucun message. Dites bonjour !',
  newMessages: 'Nouveaux messages',
  joined: (name) => `${name} est arrivé·e`,
  left: (name) => `${name} est parti·e`,
  sentAnImage: (name) => `${name} a envoyé une image`,
  imageAlt: (name) => `Image de ${name}`,
  openImage: 'Ouvrir l’image',
  closeImage: 'Fermer',
  openOriginal: 'Ouvrir l’original',
  inputLabel: 'Message',
  inputPlaceholder: 'Écrivez un message…',
  send: 'Envoyer',
  attachImage: 'Joindre une image',
  dropImage: 'Déposez une image pour l’envoyer',
  tooLong: (n, max) => `${n} / ${max} caractères`,
  sending: 'Envoi…',
  uploading: (p) => `Envoi… ${p} %`,
  failed: 'Non envoyé.',
  retry: 'Réessayer',
  discard: 'Supprimer',
  connecting: 'Connexion…',
  reconnecting: 'Connexion perdue. Reconnexion…',
  offline: 'Vous êtes hors ligne. Les messages partiront à votre retour.',
  openChat: 'Ouvrir la discussion',
  closeChat: 'Fermer la discussion',
  unread: (n) => `${n} message${n > 1 ? 's' : ''} non lu${n > 1 ? 's' : ''}`,
  errors: {
    ROOM_NOT_FOUND: 'Aucun salon n’a ce code. Vérifiez-le et réessayez.',
    NAME_INVALID: 'Ce nom ne peut pas être utilisé (1 à 40 caractères ordinaires).',
    MESSAGE_TOO_LONG: 'Ce message est trop long.',
    MESSAGE_EMPTY: 'Ce message est vide.',
    UNSUPPORTED_MEDIA_TYPE: 'Seules les images PNG, JPEG, GIF et WebP peuvent être envoyées.',
    PAYLOAD_TOO_LARGE: 'Cette image est trop grande.',
    RATE_LIMITED: 'Doucement ! Réessayez dans un instant.',
    TOO_MANY_ROOMS: 'Vous êtes dans trop de salons à la fois. Quittez-en un, puis réessayez.',
    ORIGIN_NOT_ALLOWED: "Ce site n'est pas autorisé à utiliser ce serveur de discussion.",
    TIMEOUT: 'Le serveur n’a pas répondu à temps.',
    DISCONNECTED: 'Le serveur est injoignable pour le moment.',
    UNAVAILABLE: 'Le serveur est indisponible pour le moment.',
    fallback: 'Un problème est survenu. Réessayez.',
  },
};

/** The built-in tables, by primary language subtag. */
export const builtInStrings: Readonly<Record<string, ChatStrings>> = { en, fr };

/**
 * The table for a BCP 47 tag (`fr-CA` falls back to `fr`, unknown tags to English), with `overrides`
 * applied on top; `errors` entries are merged one by one.
 */
export function resolveStrings(lang: string | undefined, overrides?: Partial<ChatStrings>): ChatStrings {
  const primary = (lang ?? '').toLowerCase().split('-')[0] ?? '';
  const base = builtInStrings[primary] ?? en;
  if (!overrides) return base;
  return { ...base, ...overrides, errors: { ...base.errors, ...overrides.errors } };
}
