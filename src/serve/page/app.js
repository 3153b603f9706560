// The fisedit web page: generate, edit, see the mask, paint one or take the shown edit's, go back to a version.
const $ = (id) => document.getElementById(id);
const token = new URLSearchParams(location.search).get('token') || localStorage.getItem('fiseditToken') || '';
if (token) localStorage.setItem('fiseditToken', token);
const auth = token ? { authorization: `Bearer ${token}` } : {};
const withToken = (url) => (token ? `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}` : url);
let session = null;
let busy = false;

function setStatus(text, error = false) {
  $('status').textContent = text;
  $('status').className = error ? 'error' : '';
}

async function api(method, url, body) {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...auth }, body: body ? JSON.stringify(body) : undefined });
  const data = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new Error(data?.error || res.statusText);
  return data;
}

/** Follows a job's progress events until it ends; resolves with its result. */
function follow(job) {
  return new Promise((resolve, reject) => {
    const events = new EventSource(withToken(`/api/jobs/${job}/events`));
    events.addEventListener('queued', (e) => setStatus(`queued (position ${JSON.parse(e.data).position})`));
    events.addEventListener('progress', (e) => {
      const p = JSON.parse(e.data);
      $('progress').max = p.steps;
      $('progress').value = p.step;
      setStatus(`step ${p.step}/${p.steps} (${p.phase})`);
    });
    events.addEventListener('done', (e) => { events.close(); resolve(JSON.parse(e.data).result); });
    events.addEventListener('failed', (e) => { events.close(); reject(new Error(JSON.parse(e.data).error)); });
    events.onerror = () => { events.close(); reject(new Error('lost the connection to the server')); };
  });
}

function render() {
  $('edit').disabled = busy || !session;
  $('generate').disabled = busy;
  if (!session) return;
  const cur = session.versions.find((v) => v.id === session.current);
  const base = `/api/sessions/${session.id}/versions/${cur.id}`;
  // the shown edit's mask is there to take only while an edit is shown
  const shown = document.querySelector('input[name=maskMode][value=shown]');
  shown.disabled = !cur.edited;
  if (shown.disabled && shown.checked) document.querySelector('input[name=maskMode][value=auto]').checked = true;
  if (shown.checked && !busy) sendShownAhead(); // another edit shown: its mask ahead in turn
  $('image').src = withToken(`${base}/image.png`);
  $('overlay').hidden = !cur.edited || !$('showMask').checked;
  if (cur.edited) $('overlay').src = withToken(`${base}/overlay.png`);
  const t = cur.timings;
  $('timings').textContent = cur.edited
    ? `edit size ${(cur.editSize * 100).toFixed(1)}% · dense ${t.denseSteps} steps ${(t.denseMs / 1000).toFixed(2)} s · sparse ${t.sparseSteps} steps ${(t.sparseMs / 1000).toFixed(2)} s · decode ${(t.decodeMs / 1000).toFixed(2)} s`
    : `generated: ${t.denseSteps} steps in ${(t.denseMs / 1000).toFixed(2)} s`;
  $('history').innerHTML = '';
  for (const v of session.versions) {
    const el = document.createElement('div');
    el.className = `version${v.id === session.current ? ' current' : ''}`;
    el.dataset.version = v.id;
    el.innerHTML = `<img alt="version ${v.id}"><div><b>${v.id}</b> <span></span><small></small></div>`;
    el.querySelector('img').src = withToken(`/api/sessions/${session.id}/versions/${v.id}/image.png`);
    el.querySelector('span').textContent = v.prompt;
    el.querySelector('small').textContent = v.edited ? `edit ${(v.editSize * 100).toFixed(0)}% of the image` : 'generation';
    el.onclick = () => checkout(v.id);
    $('history').append(el);
  }
}

async function run(task) {
  busy = true;
  render();
  try {
    await task();
    setStatus('done');
  } catch (e) {
    setStatus(e.message, true);
  } finally {
    busy = false;
    $('progress').value = 0;
    render();
  }
}

$('generate').onclick = () => run(async () => {
  const { id, job } = await api('POST', '/api/sessions', { prompt: $('prompt').value, steps: 10, width: 256, height: 256 });
  session = await follow(job);
  session.id = id;
  if (!$('editPrompt').value) $('editPrompt').value = $('prompt').value;
});

$('edit').onclick = () => run(async () => {
  const body = { prompt: $('editPrompt').value };
  const mode = document.querySelector('input[name=maskMode]:checked').value;
  if (mode === 'paint') body.mask = paintedMask();
  if (mode === 'shown') body.mask = await shownMask();
  const { job } = await api('POST', `/api/sessions/${session.id}/edits`, body);
  const result = await follow(job);
  session = { ...result, id: session.id };
});

async function checkout(version) {
  if (busy) return;
  await run(async () => { session = { ...(await api('POST', `/api/sessions/${session.id}/checkout`, { version })), id: session.id }; });
}

$('showMask').onchange = render;

// painting a mask: white strokes on a transparent canvas over the image
const canvas = $('paint');
const ctx = canvas.getContext('2d');
let drawing = false;
function stroke(e) {
  if (!drawing) return;
  const r = canvas.getBoundingClientRect();
  ctx.fillStyle = '#ff3b30';
  ctx.beginPath();
  ctx.arc(((e.clientX - r.left) / r.width) * canvas.width, ((e.clientY - r.top) / r.height) * canvas.height, 18, 0, 2 * Math.PI);
  ctx.fill();
}
canvas.onpointerdown = (e) => { drawing = true; stroke(e); };
canvas.onpointermove = stroke;
// a stroke's end sends the mask ahead of the prompt (once the painting pauses): the server records
// the sparse steps of edits with it meanwhile, so the edit starts at once (POST .../masks)
let maskAhead;
window.onpointerup = () => {
  if (!drawing) return;
  drawing = false;
  clearTimeout(maskAhead);
  maskAhead = setTimeout(() => {
    if (session && !busy) sendAhead(paintedMask());
  }, 600);
};
$('clearPaint').onclick = () => ctx.clearRect(0, 0, canvas.width, canvas.height);
for (const r of document.querySelectorAll('input[name=maskMode]')) {
  r.onchange = () => {
    canvas.hidden = r.value !== 'paint' || !r.checked;
    // as a painted one: the mask goes ahead of the prompt (the edit that made it recorded only some of its steps)
    if (r.value === 'shown' && r.checked && session && !busy) sendShownAhead();
  };
}

/** The shown version's mask (the region its edit changed) as the API serves it: a PNG at the image's size, base64. */
async function shownMask() {
  const res = await fetch(withToken(`/api/sessions/${session.id}/versions/${session.current}/mask.png`), { headers: auth });
  if (!res.ok) throw new Error(`the shown version's mask: ${res.statusText}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** The shown edit's mask sent ahead, once per version shown. */
let shownAhead;
function sendShownAhead() {
  const key = `${session.id} ${session.current}`;
  if (shownAhead === key) return;
  shownAhead = key;
  shownMask().then(sendAhead, () => {});
}

/** Sends a mask ahead of its prompt (POST .../masks): only a head start, the edit works without it. */
function sendAhead(mask) {
  api('POST', `/api/sessions/${session.id}/masks`, { mask }).catch(() => {});
}

/** The painted strokes as a black-and-white PNG at the image's size, base64. */
function paintedMask() {
  const w = session.settings.width, h = session.settings.height;
  const out = document.createElement('canvas');
  out.width = w;
  out.height = h;
  const o = out.getContext('2d');
  o.fillStyle = '#000';
  o.fillRect(0, 0, w, h);
  const src = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const img = o.getImageData(0, 0, w, h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const sx = Math.floor((x / w) * canvas.width), sy = Math.floor((y / h) * canvas.height);
      if (src.data[(sy * canvas.width + sx) * 4 + 3] > 0) img.data.fill(255, (y * w + x) * 4, (y * w + x) * 4 + 3);
    }
  o.putImageData(img, 0, 0);
  return out.toDataURL('image/png').split(',')[1];
}

render();
