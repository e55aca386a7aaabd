import type { CSSResultGroup } from 'lit';
import { baseStyles, reducedMotionStyles } from './views/base.styles.js';
import { composerStyles } from './views/composer.styles.js';
import { connectionBannerStyles } from './views/connection-banner.styles.js';
import { headerStyles } from './views/header.styles.js';
import { homeStyles } from './views/home-view.styles.js';
import { launcherStyles } from './views/launcher.styles.js';
import { lightboxStyles } from './views/lightbox.styles.js';
import { membersStyles } from './views/members.styles.js';
import { messageListStyles } from './views/message-list.styles.js';
import { messageRowStyles } from './views/message-row.styles.js';
import { messageTextStyles } from './views/message-text.styles.js';

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
  connectionBannerStyles,
  messageListStyles,
  messageRowStyles,
  messageTextStyles,
  composerStyles,
  lightboxStyles,
  launcherStyles,
  reducedMotionStyles,
];
