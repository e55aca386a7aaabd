import type { Logger } from 'pino';
import type { Member, ModerationRequest, Role } from '@roomchat/protocol';
import type { Chat } from '../chat/chat.js';
import { requireRole } from '../chat/moderation.js';
import { connectionKey } from '../rate-limits.js';
import type { RoomRecord } from '../rooms.js';
import type { Schemas } from '../schemas.js';
import { handle } from './handle.js';
import type { ChatSocket } from './socket-types.js';

interface Deps {
  chat: Chat;
  schemas: Schemas;
  log: Logger;
  /** The room `code` names, as this connection joined it (NOT_A_MEMBER otherwise). */
  membership: (code: string) => { room: RoomRecord; member: Member };
  /** The connection's role in a room it joined. */
  roleIn: (room: RoomRecord, memberId: string) => Promise<Role>;
  /** How many reported messages one `report:list` answers with. */
  pageSize: number;
}

/**
 * A connection's moderation events (docs/moderation.md): `room:moderate` for the actions, and the
 * reports (`report:create` for any member, `report:list` and `report:decide` for moderators). Each
 * action and report is budgeted like a message: it may append to the room's log.
 */
export function handleModeration(socket: ChatSocket, { chat, schemas, log, membership, roleIn, pageSize }: Deps): void {
  const spend = () => chat.rateLimits.messages.consume(connectionKey(socket.id));

  handle(socket, 'room:moderate', schemas.roomModerate, async ({ code, ...request }) => {
    const { room, member } = membership(code);
    const role = await roleIn(room, member.id);
    await spend();
    return { entry: await chat.moderation.act({ room, actor: member, role, connectionId: socket.id }, request as ModerationRequest) };
  }, log);

  handle(socket, 'report:create', schemas.reportCreate, async ({ code, id, reason }) => {
    const { room, member } = membership(code);
    await spend();
    return chat.reports.report(room, member, id, reason, socket.data.app.settings.reportsToHide);
  }, log);

  handle(socket, 'report:list', schemas.reportList, async ({ code }) => {
    const { room, member } = membership(code);
    requireRole(await roleIn(room, member.id), 'moderator');
    return { reports: await chat.reports.queue(room, pageSize) };
  }, log);

  handle(socket, 'report:decide', schemas.reportDecide, async ({ code, id, decision }) => {
    const { room, member } = membership(code);
    const role = await roleIn(room, member.id);
    await spend();
    return { entry: (await chat.reports.decide({ room, actor: member, role, connectionId: socket.id }, id, decision)) as never };
  }, log);
}
