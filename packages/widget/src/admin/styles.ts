import { css } from 'lit';

/** Shared by the admin page's views: plain, readable, one column on a phone, visible focus. */
export const adminStyles = css`
  :host {
    display: block;
    color: #1a1a1a;
  }
  * {
    box-sizing: border-box;
  }
  h1,
  h2,
  h3 {
    margin: 0.6em 0 0.4em;
    line-height: 1.2;
  }
  h1 {
    font-size: 1.3rem;
  }
  h2 {
    font-size: 1.15rem;
  }
  h3 {
    font-size: 1rem;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
  }
  button {
    min-height: 2.5rem;
    padding: 0.35rem 0.8rem;
    border: 1px solid #2e4a8a;
    border-radius: 6px;
    background: #fff;
    color: #1f3b78;
    cursor: pointer;
  }
  button.primary {
    background: #1f3b78;
    color: #fff;
  }
  button.danger {
    border-color: #a31d1d;
    color: #a31d1d;
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible,
  a:focus-visible {
    outline: 3px solid #c75b00;
    outline-offset: 2px;
  }
  input,
  select,
  textarea {
    min-height: 2.5rem;
    padding: 0.35rem 0.5rem;
    border: 1px solid #6b7280;
    border-radius: 6px;
    background: #fff;
    color: inherit;
    max-width: 100%;
  }
  label {
    display: block;
    font-weight: 600;
    margin: 0.6rem 0 0.2rem;
  }
  .hint {
    color: #4b5563;
    font-size: 0.9rem;
  }
  .error {
    color: #a31d1d;
    font-weight: 600;
  }
  .status {
    color: #1d6b35;
  }
  ul.list {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  ul.list > li {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem 0.8rem;
    align-items: center;
    justify-content: space-between;
    padding: 0.6rem 0;
    border-bottom: 1px solid #d1d5db;
  }
  .grow {
    flex: 1 1 14rem;
    min-width: 0;
    overflow-wrap: anywhere;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: end;
  }
  section {
    background: #fff;
    border: 1px solid #d1d5db;
    border-radius: 8px;
    padding: 0.4rem 1rem 1rem;
    margin: 0 0 1rem;
  }
`;
