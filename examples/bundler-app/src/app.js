// An app that puts <chat-room> next to its own UI built on the SDK: a room picker (recent rooms,
// kept in localStorage), the member list, and a gallery of the images sent in the room. The
// element does the chatting; the app reads the same Room object through `chat.currentRoom`, so
// there is one connection, not two.
import '@roomchat/widget'; // registers <chat-room>
import { normalizeRoomCode } from '@roomchat/sdk';

/** Where the Roomchat server runs; serve.mjs writes it into the page's URL. */
const server = new URL(location.href).searchParams.get('server') ?? 'http://localhost:3000';

/** @type {import('@roomchat/widget/element').ChatRoomElement} */
const chat = document.querySelector('#chat');
chat.server = server;

const recentList = document.querySelector('#recent');
const people = document.querySelector('#people');
const gallery = document.querySelector('#gallery');

const RECENT_KEY = 'team-rooms:recent';
const recent = () => JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]');

function remember(code) {
  localStorage.setItem(RECENT_KEY, JSON.stringify([code, ...recent().filter((c) => c !== code)].slice(0, 8)));
  renderRecent();
}

function renderRecent() {
  recentList.replaceChildren(
    ...recent().map((code) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.textContent = code;
      button.setAttribute('aria-current', String(code === chat.room));
      // Setting `room` switches the element to that room (it keeps the visitor's name).
      button.addEventListener('click', () => (chat.room = code));
      item.append(button);
      return item;
    }),
  );
}

document.querySelector('#add-room').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.querySelector('#room-code');
  const code = normalizeRoomCode(input.value);
  if (code) chat.room = code;
  input.value = '';
});

/** @param {import('@roomchat/sdk').Room} room */
function renderPeople(room) {
  people.replaceChildren(
    ...room.members.map((member) => {
      const item = document.createElement('li');
      item.textContent = member.id === room.self.id ? `${member.name} (you)` : member.name;
      return item;
    }),
  );
}

/** @param {import('@roomchat/sdk').ChatMessage} message */
function addToGallery(message) {
  if (message.kind !== 'image' || !message.image) return;
  gallery.querySelector('.muted')?.remove();
  const link = document.createElement('a');
  link.href = message.image.url;
  link.target = '_blank';
  const img = document.createElement('img');
  img.src = message.image.thumbUrl;
  img.alt = `Image from ${message.author}`;
  link.append(img);
  gallery.prepend(link);
}

let unsubscribe = () => {};

// The element's events tell the app when a room is entered; the SDK Room does the rest.
chat.addEventListener('chat-ready', (event) => {
  const room = chat.currentRoom;
  if (!room) return;
  remember(event.detail.room);
  unsubscribe();
  renderPeople(room);
  gallery.replaceChildren();
  room.messages.forEach(addToGallery);
  const onMembers = () => renderPeople(room);
  room.on('members', onMembers);
  room.on('message', addToGallery);
  unsubscribe = () => {
    room.off('members', onMembers);
    room.off('message', addToGallery);
  };
});

chat.addEventListener('chat-leave', (event) => {
  if (!event.detail.self) return;
  unsubscribe();
  people.innerHTML = '<li class="muted">Join a room to see who is here.</li>';
  renderRecent();
});

renderRecent();
