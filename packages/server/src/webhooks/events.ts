import type { LogEntry } from '@roomchat/protocol';
import type { RoomEvent } from '../chat/events.js';
import type { RoomRecord } from '../rooms.js';

/**
 * The events an endpoint may subscribe to (docs/webhooks.md#events). `report.created` comes from
 * a member's report (chat/reports.ts); `ping` is sent only on request, to every endpoint asked.
 */
export const WEBHOOK_EVENT_TYPES = [
  'message.created',
  'message.updated',
  'message.deleted',
  'message.reacted',
  'member.joined',
  'member.left',
  'room.created',
  'report.created',
  'room.moderated',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number] | 'ping';

/** The room an event happened in, as a receiver sees it. */
export interface WebhookRoom {
  code: string;
  key?: string;
  title?: string;
  private: boolean;
}

/**
 * What is POSTed to an endpoint. `id` is stable (the same for every attempt and every endpoint),
 * so a receiver that may get an event twice (delivery is at least once) keeps the ids it has seen.
 */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  appId: string;
  room: WebhookRoom | null;
  data: unknown;
}

export function webhookRoom(room: RoomRecord): WebhookRoom {
  return { code: room.code, ...(room.key === undefined ? {} : { key: room.key }), ...(room.title ? { title: room.title } : {}), private: room.private === true };
}

const ENTRY_TYPES: Record<LogEntry['kind'], WebhookEventType> = {
  moderation: 'room.moderated',
  text: 'message.created',
  image: 'message.created',
  edit: 'message.updated',
  delete: 'message.deleted',
  reaction: 'message.reacted',
  join: 'member.joined',
  leave: 'member.left',
};

/**
 * The webhook event of a room event, if it is one: log entries (messages, their changes, and the
 * join and leave lines, which are stored once per arrival across nodes) and new rooms. Presence
 * events (`member-joined`) are not used: the join line is the committed record of the same arrival.
 */
export function webhookEventOf(event: RoomEvent): WebhookEvent | undefined {
  if (event.type === 'room-created') {
    const { room } = event;
    return { id: `evt_room_${room.id}`, type: 'room.created', createdAt: room.createdAt, appId: room.appId, room: webhookRoom(room), data: {} };
  }
  if (event.type === 'report-created') {
    const { room, report } = event;
    return { id: `evt_report_${report.messageId}_${report.reporterId}`, type: 'report.created', createdAt: report.createdAt, appId: room.appId, room: webhookRoom(room), data: report };
  }
  if (event.type !== 'entry-appended') return undefined;
  const { room, entry } = event;
  const type = ENTRY_TYPES[entry.kind];
  const member = () => ({ member: { id: entry.authorId ?? null, name: entry.author }, seq: entry.seq });
  const data = type === 'member.joined' || type === 'member.left' ? member() : entry;
  return { id: `evt_${entry.id}`, type, createdAt: entry.createdAt, appId: room.appId, room: webhookRoom(room), data };
}
