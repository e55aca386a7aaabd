import type { CSSResultGroup } from 'lit';
import { baseStyles, reducedMotionStyles } from './views/base.styles.js';
import { composeTargetStyles } from './views/compose-target.styles.js';
import { composerStyles } from './views/composer.styles.js';
import { connectionBannerStyles } from './views/connection-banner.styles.js';
import { headerStyles } from './views/header.styles.js';
import { homeStyles } from './views/home-view.styles.js';
import { launcherStyles } from './views/launcher.styles.js';
import { membersStyles } from './views/members.styles.js';
import { conversationsStyles } from './views/conversations.styles.js';
import { messageActionsStyles } from './views/message-actions.styles.js';
import { messageChangesStyles } from './views/message-changes.styles.js';
import { messageListStyles } from './views/message-list.styles.js';
import { messageRowStyles } from './views/message-row.styles.js';
import { messageTextStyles } from './views/message-text.styles.js';
import { moderationStyles } from './views/moderation.styles.js';
import { reactionsStyles } from './views/reactions.styles.js';
import { readReceiptsStyles } from './views/read-receipts.styles.js';
import { replyQuoteStyles } from './views/reply-quote.styles.js';
import { typingStyles } from './views/typing.styles.js';

/**
 * The element's styles, adopted into its shadow root as constructable stylesheets, which a
 * Content-Security-Policy of `style-src 'self'` allows (no inline `<style>` or `style=""`).
 * Every view renders into this one shadow root, so later sheets win ties as in one long sheet:
 * keep this order (shared rules first, reduced motion last).
 */
export const chatRoomStyles: CSSResultGroup = [
  baseStyles,
  homeStyles,
  headerStyles,
  membersStyles,
  conversationsStyles,
  connectionBannerStyles,
  messageListStyles,
  messageRowStyles,
  messageTextStyles,
  replyQuoteStyles,
  messageChangesStyles,
  reactionsStyles,
  readReceiptsStyles,
  moderationStyles,
  messageActionsStyles,
  typingStyles,
  composeTargetStyles,
  composerStyles,
  launcherStyles,
  reducedMotionStyles,
];
