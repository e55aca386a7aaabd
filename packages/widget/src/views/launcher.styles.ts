import { css } from 'lit';

/** Launcher mode: the floating button, its badge, and the panel it opens. */
export const launcherStyles = css`
  .launcher {
    position: fixed;
    inset-block-end: var(--chat-launcher-inset, 20px);
    inset-inline-end: var(--chat-launcher-inset, 20px);
    z-index: var(--chat-z-index, 2147483000);
    display: grid;
    place-items: center;
    inline-size: 60px;
    block-size: 60px;
    border: 0;
    border-radius: 50%;
    background: var(--_accent);
    color: var(--_accent-text);
    box-shadow: var(--_shadow);
    transition: transform 0.15s;
  }
  .launcher:hover {
    transform: scale(1.05);
  }
  .launcher .icon {
    inline-size: 28px;
    block-size: 28px;
  }
  .badge {
    position: absolute;
    inset-block-start: -2px;
    inset-inline-end: -2px;
    min-inline-size: 22px;
    block-size: 22px;
    padding: 0 6px;
    border: 2px solid var(--_bg);
    border-radius: 11px;
    background: var(--_danger);
    color: #fff;
    font-size: 12px;
    font-weight: 700;
    line-height: 18px;
    text-align: center;
  }
  .panel {
    position: fixed;
    inset-block-end: calc(var(--chat-launcher-inset, 20px) + 72px);
    inset-inline-end: var(--chat-launcher-inset, 20px);
    z-index: var(--chat-z-index, 2147483000);
    inline-size: var(--chat-panel-width, 380px);
    max-inline-size: calc(100vw - 2 * var(--chat-launcher-inset, 20px));
    block-size: var(--chat-panel-height, 600px);
    max-block-size: calc(100dvh - 120px);
    box-shadow: var(--_shadow);
    border-radius: var(--_radius);
  }
  .panel .frame {
    min-block-size: 0;
  }
  .panel-bar {
    display: flex;
    align-items: center;
    gap: 0.5em;
    padding-block: 0.35em;
    padding-inline: 1em 0.4em;
    background: var(--_accent);
    color: var(--_accent-text);
  }
  .panel-title {
    flex: 1;
    margin: 0;
    font-size: 1em;
    font-weight: 700;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .panel-bar .hide,
  .panel-bar .hide:hover {
    color: inherit;
  }
  @media (max-width: 480px) {
    .panel {
      inset: 0;
      inline-size: 100%;
      max-inline-size: none;
      block-size: 100%;
      max-block-size: none;
      border-radius: 0;
    }
    .panel .frame {
      border: 0;
      border-radius: 0;
    }
    .panel:not([hidden]) + .launcher {
      display: none;
    }
  }
`;
