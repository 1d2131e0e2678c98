'use strict';

// The demo storefront: what a shop's pages would ask of OrleansReco, as plain browser code. It calls the API as the
// storefront and as the shop's privacy back office would, with the development keys of appsettings.Development.json;
// the gateway serves this page only in Development.
const KEYS = { storefront: 'storefront-dev-key', privacy: 'privacy-dev-key' };
// The demo command's synthetic shoppers are user-0000, user-0001, ...; the picker offers the first of them, and
// /demo/#<userId> opens the page as any shopper (the demo command prints such a link).
const SYNTHETIC_SHOPPERS = 12;
// The page holds the catalogue to filter and search it; a bigger shop would search on its own server.
const CATALOGUE_LIMIT = 2000;
const SHOWN = { recommended: 8, popular: 8, similar: 6, catalogue: 48 };

const state = {
  shopper: '',
  catalogue: new Map(),  // itemId -> catalogue item
  history: new Map(),    // itemId -> the shopper's views, carts and purchases of it (from their export)
  personalization: true,
  item: null,
};

const $ = (id) => document.getElementById(id);

class ApiError extends Error {
  constructor(status, detail) {
    super(`${status}: ${detail}`);
    this.status = status;
  }
}

async function api(role, method, path, body) {
  const headers = { 'X-Api-Key': KEYS[role], Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, (json && (json.detail || json.title)) || response.statusText);
  return json;
}

const userPath = (userId) => `/v1/users/${encodeURIComponent(userId)}`;

function title(itemId) {
  const item = state.catalogue.get(itemId);
  return (item && item.title) || itemId;
}

function price(item) {
  return item && item.price != null ? `$${Number(item.price).toFixed(2)}` : '';
}

/** What the shopper did with an item, in words, from their own history. */
function done(itemId) {
  const entry = state.history.get(itemId);
  if (entry && entry.purchases > 0) return 'bought';
  if (entry && entry.carts > 0) return 'added to your cart';
  return 'viewed';
}

/** The API's reason for a recommendation, said the way a shop would say it. */
function reasonText(recommendation) {
  switch (recommendation.reason) {
    case 'similar':
      return `Because you ${done(recommendation.because)} ${title(recommendation.because)}`;
    case 'embedding':
      return recommendation.because
        ? `Shoppers like you liked it (close to ${title(recommendation.because)})`
        : 'Shoppers like you liked it';
    case 'segment':
      return 'Popular with shoppers like you';
    case 'repeat':
      return done(recommendation.because) === 'bought' ? 'You bought it before' : 'You looked at it before';
    default:
      return 'Popular now';
  }
}

/** A list of item cards; each opens the item page. */
function renderCards(list, entries, detail) {
  list.replaceChildren(...entries.map((entry) => {
    const item = state.catalogue.get(entry.itemId);
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'card';
    button.dataset.itemId = entry.itemId;
    const name = document.createElement('span');
    name.className = 'title';
    name.textContent = title(entry.itemId);
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = [(item && item.category) || entry.category, price(item)].filter(Boolean).join(' · ');
    button.append(name, meta);
    const why = detail && detail(entry);
    if (why) {
      const reason = document.createElement('span');
      reason.className = 'reason';
      reason.textContent = why;
      button.append(reason);
    }
    button.addEventListener('click', () => openItem(entry.itemId));
    li.append(button);
    return li;
  }));
}

function fail(where, error) {
  $(where).textContent = error instanceof ApiError && error.status === 503
    ? 'The shop is busy, try again in a moment.'
    : `Something went wrong (${error.message}).`;
}

async function loadCatalogue() {
  state.catalogue.clear();
  let after = null;
  do {
    const query = new URLSearchParams({ count: '100' });
    if (after) query.set('after', after);
    const page = await api('storefront', 'GET', `/v1/items?${query}`);
    for (const item of page.items) state.catalogue.set(item.itemId, item);
    after = page.next;
  } while (after && state.catalogue.size < CATALOGUE_LIMIT);

  const categories = [...new Set([...state.catalogue.values()].map((i) => i.category).filter(Boolean))]
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  $('category').replaceChildren(new Option('All categories', ''), ...categories.map((c) => new Option(c, c)));
  renderCatalogue();
}

function renderCatalogue() {
  const category = $('category').value;
  const words = $('search').value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const matches = [...state.catalogue.values()].filter((item) => {
    if (!item.available) return false;
    if (category && item.category !== category) return false;
    const text = [item.itemId, item.title, ...item.tags].join(' ').toLowerCase();
    return words.every((word) => text.includes(word));
  });
  renderCards($('catalogue-list'), matches.slice(0, SHOWN.catalogue));
  $('catalogue-status').textContent = matches.length === 0
    ? (state.catalogue.size === 0 ? 'The catalogue is empty: start the product with ./run.sh --demo.' : 'No item matches.')
    : `Showing ${Math.min(matches.length, SHOWN.catalogue)} of ${matches.length} items.`;
}

async function refreshPopular() {
  const category = $('category').value;
  $('popular-title').textContent = category ? `Popular now in ${category}` : 'Popular now';
  const query = new URLSearchParams({ count: String(SHOWN.popular) });
  if (category) query.set('category', category);
  const popular = await api('storefront', 'GET', `/v1/items/popular?${query}`);
  renderCards($('popular-list'), popular.items);
}

/** The shopper's history and consent, from their export (404: nothing is held about them). */
async function refreshShopperData() {
  state.history.clear();
  $('receipt').hidden = true;
  try {
    const data = await api('privacy', 'GET', `${userPath(state.shopper)}/export`);
    for (const entry of data.history) state.history.set(entry.itemId, entry);
    state.personalization = data.consent.personalization;
    const items = data.history.length;
    $('privacy-summary').textContent = `We hold ${items} history ${items === 1 ? 'item' : 'items'} and ` +
      `${Object.keys(data.profile).length} profile values about ${state.shopper}; personalisation is ` +
      `${state.personalization ? 'on' : 'off'}.`;
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    state.personalization = true;
    $('privacy-summary').textContent = `Nothing is held about ${state.shopper}: a new shopper.`;
  }
  $('consent').textContent = state.personalization ? 'Turn personalisation off' : 'Turn personalisation on';
}

async function refreshRecommendations() {
  const mode = document.querySelector('input[name="mode"]:checked').value;
  const query = new URLSearchParams({ count: String(SHOWN.recommended), mode });
  const result = await api('storefront', 'GET', `${userPath(state.shopper)}/recommendations?${query}`);
  renderCards($('recommended-list'), result.items, reasonText);
  $('recommended-status').textContent = result.personalized
    ? `Picked for ${state.shopper} from their history.`
    : `${state.shopper} is new here (or opted out): popular items until they browse.`;
}

async function refreshShopper() {
  try {
    await refreshShopperData();
    await refreshRecommendations();
  } catch (error) {
    fail('recommended-status', error);
  }
}

async function openItem(itemId) {
  state.item = itemId;
  const item = state.catalogue.get(itemId);
  $('item').hidden = false;
  $('item-title').textContent = title(itemId);
  $('item-meta').textContent = [item && item.category, price(item), item && item.tags.join(', ')].filter(Boolean).join(' · ');
  $('item-status').textContent = '';
  $('item').scrollIntoView({ block: 'start' });
  // Opening an item's page is a view, as on any shop.
  await send('view');
  try {
    const similar = await api('storefront', 'GET', `/v1/items/${encodeURIComponent(itemId)}/similar?count=${SHOWN.similar}`);
    if (state.item !== itemId) return;
    renderCards($('similar-list'), similar.items, (s) => `Bought or viewed together by ${s.support} shoppers`);
    $('similar-status').textContent = similar.items.length ? '' : 'Not enough shoppers have this item with others yet.';
  } catch (error) {
    fail('similar-status', error);
  }
}

async function send(type) {
  const itemId = state.item;
  const event = { userId: state.shopper, itemId, type, eventId: crypto.randomUUID() };
  try {
    await api('storefront', 'POST', '/v1/events', event);
    const words = { view: 'Viewed', cart: 'Added to your cart', purchase: 'Bought' };
    $('item-status').textContent = `${words[type]}: ${title(itemId)}.`;
  } catch (error) {
    fail('item-status', error);
    return;
  }
  await Promise.all([refreshShopper(), refreshPopular().catch((error) => fail('catalogue-status', error))]);
}

async function downloadExport() {
  try {
    const data = await api('privacy', 'GET', `${userPath(state.shopper)}/export`);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    link.download = `${state.shopper}-export.json`;
    link.click();
    URL.revokeObjectURL(link.href);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      $('privacy-summary').textContent = `Nothing is held about ${state.shopper}: there is nothing to download.`;
    } else {
      fail('privacy-summary', error);
    }
  }
}

async function toggleConsent() {
  const personalization = !state.personalization;
  $('privacy-summary').textContent = personalization ? 'Turning personalisation on…' : 'Turning personalisation off and deleting the history…';
  try {
    await api('privacy', 'PUT', `${userPath(state.shopper)}/consent`, { personalization });
    await refreshShopper();
  } catch (error) {
    fail('privacy-summary', error);
  }
}

async function erase() {
  $('privacy-summary').textContent = `Erasing ${state.shopper} and their influence on every item…`;
  try {
    const receipt = await api('privacy', 'DELETE', userPath(state.shopper));
    await refreshShopper();
    $('receipt-id').textContent = receipt.receiptId;
    $('receipt-time').textContent = new Date(receipt.erasedAt).toLocaleString();
    $('receipt-retracted').textContent = String(receipt.historyItemsRetracted);
    $('receipt').hidden = false;
  } catch (error) {
    fail('privacy-summary', error);
  }
}

function pickShopper(userId) {
  state.shopper = userId;
  history.replaceState(null, '', `#${encodeURIComponent(userId)}`);
  state.item = null;
  $('item').hidden = true;
  return refreshShopper();
}

function newShopper() {
  const userId = `shopper-${crypto.randomUUID().slice(0, 8)}`;
  $('shopper').append(new Option(`${userId} (new)`, userId));
  $('shopper').value = userId;
  return pickShopper(userId);
}

async function start() {
  const shoppers = Array.from({ length: SYNTHETIC_SHOPPERS }, (_, i) => `user-${String(i).padStart(4, '0')}`);
  $('shopper').replaceChildren(...shoppers.map((id) => new Option(id, id)));
  $('shopper').addEventListener('change', () => pickShopper($('shopper').value));
  $('new-shopper').addEventListener('click', newShopper);
  document.querySelectorAll('input[name="mode"]').forEach((input) =>
    input.addEventListener('change', () => refreshRecommendations().catch((error) => fail('recommended-status', error))));
  $('category').addEventListener('change', () => {
    renderCatalogue();
    refreshPopular().catch((error) => fail('catalogue-status', error));
  });
  $('search').addEventListener('input', renderCatalogue);
  $('add-to-cart').addEventListener('click', () => send('cart'));
  $('buy').addEventListener('click', () => send('purchase'));
  $('close-item').addEventListener('click', () => { state.item = null; $('item').hidden = true; });
  $('export').addEventListener('click', downloadExport);
  $('consent').addEventListener('click', toggleConsent);
  $('erase').addEventListener('click', erase);

  try {
    await loadCatalogue();
    await refreshPopular();
  } catch (error) {
    fail('catalogue-status', error);
  }
  const asked = decodeURIComponent(location.hash.slice(1));
  if (asked && !shoppers.includes(asked)) $('shopper').append(new Option(asked, asked));
  $('shopper').value = asked || shoppers[0];
  await pickShopper($('shopper').value);
  document.body.dataset.ready = 'true';
}

start();
