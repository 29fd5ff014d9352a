// The sample's web console: plain JavaScript, no build step, no library. It talks only to the
// sample's own API (/api/...) and to /actuator/health.
'use strict';

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- requests and event streams

/** Posts JSON; a non-2xx answer is thrown as the sample's error body ({error, type}) plus httpStatus. */
async function postJson(url, body, signal) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Accept': 'text/event-stream, application/json' },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok) {
    throw await errorOf(response);
  }
  return response;
}

async function errorOf(response) {
  let error;
  try {
    error = await response.json();
  } catch (notJson) {
    error = { error: `HTTP ${response.status} ${response.statusText}`, type: `http_${response.status}` };
  }
  error.httpStatus = response.status;
  return error;
}

/**
 * Reads a text/event-stream body, calling onEvent(name, data) per event, as EventSource would
 * (which cannot POST, nor be told apart from a 400).
 */
async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) {
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon >= 0 ? line.slice(0, colon) : line;
        let text = colon >= 0 ? line.slice(colon + 1) : '';
        if (text.startsWith(' ')) {
          text = text.slice(1);
        }
        if (field === 'event') {
          name = text;
        } else if (field === 'data') {
          data.push(text);
        }
      }
      if (data.length > 0) {
        onEvent(name, data.join('\n'));
      }
    }
  }
}

// ---------------------------------------------------------------- errors on the page

function showFieldError(element, message) {
  element.textContent = message;
  element.hidden = false;
}

/** Shows a failure with its type (the sample's error contract), never a blank. */
function showError(element, error) {
  const type = document.createElement('span');
  type.className = 'error-type';
  type.textContent = error.type || 'error';
  element.replaceChildren(type, document.createTextNode(error.error || String(error)));
  element.hidden = false;
}

function clear(...elements) {
  for (const element of elements) {
    element.hidden = true;
    element.textContent = '';
  }
}

/** A failure of the browser itself (no connection to the sample) as the same shape. */
function asError(failure) {
  if (failure && failure.type) {
    return failure;
  }
  return { type: 'network', error: `The sample did not answer: ${failure && failure.message ? failure.message : failure}` };
}

// ---------------------------------------------------------------- chat

const chat = { controller: null };

function setChatState(state) {
  $('chat-state').dataset.state = state;
  $('chat-state').textContent = state;
  const streaming = state === 'streaming';
  $('send').disabled = streaming;
  $('stop').disabled = !streaming;
}

/** Token counts with the details the server reported: cached input, cache writes, reasoning. */
function describeUsage(usage) {
  const input = [`${usage.inputTokens} in`];
  if (usage.cachedInputTokens !== null && usage.cachedInputTokens !== undefined) {
    input.push(`(${usage.cachedInputTokens} cached)`);
  }
  if (usage.cacheWriteInputTokens !== null && usage.cacheWriteInputTokens !== undefined) {
    input.push(`(${usage.cacheWriteInputTokens} written to cache)`);
  }
  const output = [`${usage.outputTokens} out`];
  if (usage.reasoningTokens !== null && usage.reasoningTokens !== undefined) {
    output.push(`(${usage.reasoningTokens} reasoning)`);
  }
  return `tokens ${input.join(' ')} / ${output.join(' ')}`;
}

/** A cost as the server-side BigDecimal gave it, in full: small calls cost fractions of a cent. */
function describeCost(cost) {
  return `cost ${cost.amount} ${cost.currency}`;
}

function describeSummary(summary, usage) {
  const parts = [`model ${summary.model}`, `${summary.latencyMs} ms`, `first token ${summary.timeToFirstChunkMs} ms`];
  if (usage) {
    parts.push(describeUsage(usage));
  }
  if (summary.cost) {
    parts.push(describeCost(summary.cost));
  }
  if (summary.finishReason) {
    parts.push(`finish ${summary.finishReason}`);
  }
  return parts.join(' · ');
}

async function sendPrompt() {
  clear($('prompt-error'), $('chat-error'));
  $('answer').textContent = '';
  $('chat-meta').textContent = '';
  setChatState('streaming');
  chat.controller = new AbortController();
  let ended = false;
  let usage = null;
  try {
    const response = await postJson('/api/stream', { prompt: $('prompt').value }, chat.controller.signal);
    // the starter's LlmSseEmitters: {"content"} deltas, then usage and done, or error (a problem detail)
    await readEvents(response, (name, data) => {
      if (name === 'message') {
        $('answer').append(JSON.parse(data).content);
      } else if (name === 'usage') {
        usage = JSON.parse(data);
      } else if (name === 'done') {
        ended = true;
        $('chat-meta').textContent = describeSummary(JSON.parse(data), usage);
        setChatState('done');
      } else if (name === 'error') {
        ended = true;
        const problem = JSON.parse(data);
        showError($('chat-error'), { type: problem.errorType, error: problem.detail });
        setChatState('error');
      }
    });
    if (!ended) {
      showError($('chat-error'), { type: 'stream_cut', error: 'The stream ended before its done event' });
      setChatState('error');
    }
  } catch (failure) {
    if (failure && failure.name === 'AbortError') {
      setChatState('stopped');
    } else if (failure && failure.httpStatus === 400) {
      showFieldError($('prompt-error'), failure.error);
      setChatState('idle');
    } else {
      showError($('chat-error'), asError(failure));
      setChatState('error');
    }
  } finally {
    chat.controller = null;
  }
}

// Aborting the fetch closes the connection: the sample's next write fails, which stops the
// LLM call and frees its bulkhead slot.
function stopPrompt() {
  if (chat.controller) {
    chat.controller.abort();
  }
}

// ---------------------------------------------------------------- batch

const TOPICS = ['a bulkhead', 'a retry with backoff', 'time to first token', 'a connection pool',
  'a p99 latency', 'a rate limit', 'a streamed answer', 'a health check'];

function generatePrompts() {
  const count = Math.max(1, Number.parseInt($('batch-count').value, 10) || 1);
  const lines = [];
  for (let i = 1; i <= count; i++) {
    lines.push(`Question ${i}: what is ${TOPICS[i % TOPICS.length]}?`);
  }
  $('batch-prompts').value = lines.join('\n');
}

function setProgress(completed, total, elapsedMs) {
  const percent = total > 0 ? Math.round((completed * 100) / total) : 0;
  $('batch-progress').value = percent;
  $('batch-progress-label').textContent =
    `${percent} % · ${completed} / ${total}` + (elapsedMs !== undefined ? ` · ${(elapsedMs / 1000).toFixed(1)} s` : '');
}

function addResultRow(table, prompts, result) {
  const row = document.createElement('tr');
  row.className = result.ok ? 'ok' : 'failed';
  for (const text of [String(result.index + 1), prompts[result.index], result.ok ? result.text : result.error]) {
    const cell = document.createElement('td');
    cell.textContent = text;
    row.append(cell);
  }
  if (!result.ok) {
    const mark = document.createElement('strong');
    mark.textContent = 'failed: ';
    row.lastChild.prepend(mark);
  }
  // items arrive as they end: each row goes in its prompt's place
  row.dataset.index = String(result.index);
  const body = table.tBodies[0];
  const after = [...body.rows].find((other) => Number(other.dataset.index) > result.index);
  body.insertBefore(row, after || null);
}

async function runBatch() {
  clear($('batch-error'), $('batch-failure'));
  const prompts = $('batch-prompts').value.split('\n').filter((line) => line.trim() !== '');
  $('batch-results').tBodies[0].replaceChildren();
  $('batch-summary').textContent = '';
  setProgress(0, prompts.length);
  $('batch-run').disabled = true;
  try {
    const response = await postJson('/api/batch/stream', { prompts });
    await readEvents(response, (name, data) => {
      const event = JSON.parse(data);
      if (name === 'progress') {
        setProgress(event.completed, event.total, event.elapsedMs);
      } else if (name === 'item') {
        addResultRow($('batch-results'), prompts, event);
      } else if (name === 'done') {
        const parts = [`${event.succeeded} answered, ${event.failed} failed, in ${(event.elapsedMs / 1000).toFixed(2)} s`];
        if (event.usage) {
          parts.push(describeUsage(event.usage));
        }
        if (event.cost) {
          parts.push(describeCost(event.cost));
        }
        $('batch-summary').textContent = parts.join(' · ');
      }
    });
  } catch (failure) {
    if (failure && failure.httpStatus === 400) {
      showFieldError($('batch-error'), failure.error);
    } else {
      showError($('batch-failure'), asError(failure));
    }
  } finally {
    $('batch-run').disabled = false;
  }
}

// ---------------------------------------------------------------- batch job on the provider

const JOB_POLL_MS = 500;
const job = { id: null, prompts: [], timer: null };

function showJob(state) {
  $('job-status').textContent = state.status.replace('_', ' ');
  $('job-status').dataset.status = state.status;
  $('job-id').textContent = `${state.id} · mode ${state.mode}`;
  const counts = state.counts || { total: job.prompts.length, completed: 0, failed: 0 };
  const ended = counts.completed + counts.failed;
  $('job-progress').value = counts.total > 0 ? Math.round((ended * 100) / counts.total) : 0;
  $('job-counts').textContent = `${ended} / ${counts.total} · ${counts.completed} answered · ${counts.failed} failed`;
  if (state.results) {
    $('job-results').tBodies[0].replaceChildren();
    for (const result of state.results) {
      addResultRow($('job-results'), job.prompts, result);
    }
  }
  if (state.error) {
    showError($('job-failure'), { type: 'batch_job_failed', error: state.error });
  }
}

function jobEnded(state) {
  return ['completed', 'failed', 'expired', 'cancelled'].includes(state.status);
}

/** Polls the job until it ends; the sample asks the provider at most once per poll interval. */
async function pollJob() {
  job.timer = null;
  try {
    const response = await fetch(`/api/batch/jobs/${encodeURIComponent(job.id)}`);
    if (!response.ok) {
      throw await errorOf(response);
    }
    const state = await response.json();
    showJob(state);
    if (jobEnded(state)) {
      $('job-summary').textContent = `ended ${state.status}`;
      $('job-submit').disabled = false;
      $('job-cancel').disabled = true;
      return;
    }
  } catch (failure) {
    showError($('job-failure'), asError(failure));
  }
  job.timer = setTimeout(pollJob, JOB_POLL_MS);
}

async function submitJob() {
  clear($('job-error'), $('job-failure'));
  clearTimeout(job.timer);
  job.prompts = $('job-prompts').value.split('\n').filter((line) => line.trim() !== '');
  $('job-results').tBodies[0].replaceChildren();
  $('job-summary').textContent = '';
  $('job-submit').disabled = true;
  try {
    const state = await (await postJson('/api/batch/jobs', { prompts: job.prompts })).json();
    job.id = state.id;
    showJob(state);
    $('job-cancel').disabled = false;
    job.timer = setTimeout(pollJob, JOB_POLL_MS);
  } catch (failure) {
    if (failure && failure.httpStatus === 400) {
      showFieldError($('job-error'), failure.error);
    } else {
      showError($('job-failure'), asError(failure));
    }
    $('job-submit').disabled = false;
  }
}

async function cancelJob() {
  $('job-cancel').disabled = true;
  try {
    const response = await fetch(`/api/batch/jobs/${encodeURIComponent(job.id)}/cancel`, { method: 'POST' });
    if (!response.ok) {
      throw await errorOf(response);
    }
  } catch (failure) {
    showError($('job-failure'), asError(failure));
  }
}

// ---------------------------------------------------------------- health, drawn from its JSON

const GAUGES = [['inFlight', 'maxConcurrent'], ['leased', 'max'], ['count', 'capacity']];
const health = { shape: null, values: new Map(), gauges: [] };

function labelOf(key) {
  return key.replace(/Ms$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

function formatValue(key, value) {
  if (typeof value === 'number') {
    const shown = Number.isInteger(value) ? String(value) : value.toFixed(1);
    return key.endsWith('Ms') ? `${shown} ms` : shown;
  }
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) {
    return new Date(value).toLocaleTimeString();
  }
  return String(value);
}

/** Lists every leaf path with its key, so the panel is rebuilt only when the JSON's shape changes. */
function leaves(object, path, into) {
  for (const [key, value] of Object.entries(object)) {
    const at = path ? `${path}.${key}` : key;
    if (value !== null && typeof value === 'object') {
      leaves(value, at, into);
    } else {
      into.push([at, key, value]);
    }
  }
  return into;
}

function buildList(object, path) {
  const list = document.createElement('dl');
  for (const [key, value] of Object.entries(object)) {
    const at = path ? `${path}.${key}` : key;
    const term = document.createElement('dt');
    term.textContent = labelOf(key);
    const definition = document.createElement('dd');
    if (value !== null && typeof value === 'object') {
      definition.append(buildGroup(key, value, at));
      term.remove();
      definition.style.gridColumn = '1 / -1';
      list.append(definition);
      continue;
    }
    definition.dataset.path = at;
    health.values.set(at, definition);
    list.append(term, definition);
  }
  for (const [part, whole] of GAUGES) {
    if (typeof object[part] === 'number' && typeof object[whole] === 'number') {
      const gauge = document.createElement('div');
      gauge.className = 'gauge';
      gauge.title = `${labelOf(part)} of ${labelOf(whole)}`;
      const fill = document.createElement('span');
      gauge.append(fill);
      list.append(gauge);
      health.gauges.push({ fill, part: path ? `${path}.${part}` : part, whole: path ? `${path}.${whole}` : whole });
      break;
    }
  }
  return list;
}

function buildGroup(title, object, path) {
  const group = document.createElement('div');
  group.className = 'group';
  if (Array.isArray(object) || Object.values(object).some((v) => v !== null && typeof v === 'object')
      || Object.values(object).some((v) => typeof v === 'string' && v.length > 40)) {
    group.classList.add('wide');
  }
  group.dataset.group = path;
  const heading = document.createElement('h3');
  heading.textContent = labelOf(title);
  group.append(heading, buildList(object, path));
  return group;
}

function buildHealth(details) {
  health.values.clear();
  health.gauges = [];
  const groups = [];
  const scalars = Object.fromEntries(Object.entries(details).filter(([, v]) => v === null || typeof v !== 'object'));
  if (Object.keys(scalars).length > 0) {
    const client = buildGroup('client', scalars, '');
    client.classList.add('wide');
    groups.push(client);
  }
  for (const [key, value] of Object.entries(details)) {
    if (value !== null && typeof value === 'object') {
      groups.push(buildGroup(key, value, key));
    }
  }
  $('health-details').replaceChildren(...groups);
}

/** The llmClient component, or the first whose name says llm (a later several-client set-up). */
function llmComponent(json) {
  const components = json.components || {};
  if (components.llmClient) {
    return components.llmClient;
  }
  const name = Object.keys(components).find((key) => key.toLowerCase().includes('llm'));
  return name ? components[name] : json;
}

function renderHealth(json) {
  const component = llmComponent(json);
  const status = component.status || 'UNKNOWN';
  $('health-status').textContent = status;
  $('health-status').dataset.status = status;
  const details = component.details || component.components || {};
  const all = leaves(details, '', []);
  const shape = all.map(([at]) => at).join('|');
  if (shape !== health.shape) {
    buildHealth(details);
    health.shape = shape;
  }
  const byPath = new Map(all.map(([at, key, value]) => [at, [key, value]]));
  for (const [at, [key, value]] of byPath) {
    const element = health.values.get(at);
    const text = formatValue(key, value);
    if (element && element.textContent !== text) {
      element.textContent = text;
    }
  }
  for (const gauge of health.gauges) {
    const part = byPath.get(gauge.part)[1];
    const whole = byPath.get(gauge.whole)[1];
    gauge.fill.style.width = `${whole > 0 ? Math.min(100, (part * 100) / whole) : 0}%`;
  }
  recordLatency(findLatency(details));
  renderClasses(findBulkheadByClass(details));
}

// ---------------------------------------------------------------- request classes (bulkhead.byClass)

/** The first bulkhead that reports its classes: the client's own, or its first endpoint's when nested. */
function findBulkheadByClass(object) {
  if (object.bulkhead && object.bulkhead.byClass && typeof object.bulkhead.byClass === 'object') {
    return object.bulkhead;
  }
  for (const value of Object.values(object)) {
    if (value !== null && typeof value === 'object') {
      const found = findBulkheadByClass(value);
      if (found) {
        return found;
      }
    }
  }
  return null;
}

function renderClasses(bulkhead) {
  if (!bulkhead) {
    return; // a client without request classes: the card stays hidden
  }
  $('classes').hidden = false;
  const limit = bulkhead.limit || bulkhead.maxConcurrent || 0;
  for (const row of document.querySelectorAll('#class-table tbody tr')) {
    const values = bulkhead.byClass[row.dataset.class] || {};
    for (const cell of row.querySelectorAll('[data-field]')) {
      const value = values[cell.dataset.field];
      const text = typeof value !== 'number' ? '–'
        : cell.dataset.field === 'share' ? `${Math.round(value * 100)} %` : String(value);
      if (cell.textContent !== text) {
        cell.textContent = text;
      }
    }
    const inFlight = typeof values.inFlight === 'number' ? values.inFlight : 0;
    $(`class-bar-${row.dataset.class}`).style.width = `${limit > 0 ? Math.min(100, (inFlight * 100) / limit) : 0}%`;
  }
}

/** The first latency window in the details: the client's own, or its first endpoint's or client's when nested. */
function findLatency(object) {
  if (object.latency && typeof object.latency.p50Ms === 'number') {
    return object.latency;
  }
  for (const value of Object.values(object)) {
    if (value !== null && typeof value === 'object') {
      const found = findLatency(value);
      if (found) {
        return found;
      }
    }
  }
  return null;
}

async function refreshHealth() {
  try {
    // a DOWN client answers 503 with the same JSON
    const response = await fetch('/actuator/health', { headers: { Accept: 'application/json' } });
    renderHealth(await response.json());
    clear($('health-error'));
  } catch (failure) {
    showError($('health-error'), { type: 'unreachable', error: `No health from the sample: ${failure.message}` });
    $('health-status').textContent = 'UNKNOWN';
    $('health-status').dataset.status = 'UNKNOWN';
  }
}

// ---------------------------------------------------------------- latency chart (SVG)

// the time axis grows with the samples, from half a minute up to the 5 minutes kept
const CHART = { width: 400, height: 150, spanMs: 5 * 60 * 1000, minSpanMs: 30 * 1000 };
const samples = [];

function recordLatency(latency) {
  const now = Date.now();
  if (latency && latency.count > 0) {
    samples.push({ at: now, p50: latency.p50Ms, p95: latency.p95Ms, p99: latency.p99Ms });
  }
  while (samples.length > 0 && samples[0].at < now - CHART.spanMs) {
    samples.shift();
  }
  drawChart(now);
}

function drawChart(now) {
  const svg = $('latency-chart');
  const ns = 'http://www.w3.org/2000/svg';
  const top = Math.max(1, ...samples.map((s) => s.p99)) * 1.15;
  const span = Math.max(CHART.minSpanMs, samples.length > 0 ? now - samples[0].at : 0);
  const shapes = [];
  for (const fraction of [0.25, 0.5, 0.75]) {
    const line = document.createElementNS(ns, 'line');
    line.setAttribute('class', 'grid');
    line.setAttribute('x1', '0');
    line.setAttribute('x2', String(CHART.width));
    line.setAttribute('y1', String(CHART.height * fraction));
    line.setAttribute('y2', String(CHART.height * fraction));
    shapes.push(line);
  }
  for (const key of ['p50', 'p95', 'p99']) {
    const points = samples.map((s) => {
      const x = CHART.width - ((now - s.at) / span) * CHART.width;
      const y = CHART.height - (s[key] / top) * CHART.height;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    });
    if (points.length === 1) {
      points.unshift(`${(CHART.width - 2).toFixed(1)},${points[0].split(',')[1]}`);
    }
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('class', key);
    line.setAttribute('points', points.join(' '));
    shapes.push(line);
  }
  svg.replaceChildren(...shapes);
  $('latency-scale').textContent = samples.length > 0
    ? `last ${Math.round(span / 1000)} s · top ${top.toFixed(0)} ms` : 'no calls yet';
}

// ---------------------------------------------------------------- demo backend knobs

async function loadDemo() {
  try {
    const response = await fetch('/api/demo');
    if (!response.ok) {
      return; // a real LLM server: no demo knobs
    }
    const settings = await response.json();
    $('demo-delay').value = settings.tokenDelayMs;
    $('demo-fail').value = String(settings.failStatus);
    $('demo-flex').value = String(Boolean(settings.flexUnavailable));
    $('demo-phase').value = settings.batchPhaseMs;
    $('demo').hidden = false;
  } catch (failure) {
    // the health panel already says the sample is unreachable
  }
}

async function changeDemo(change) {
  clear($('demo-error'));
  const response = await fetch('/api/demo', {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(change),
  });
  if (!response.ok) {
    showFieldError($('demo-error'), (await errorOf(response)).error);
  }
}

// ---------------------------------------------------------------- wiring

$('send').addEventListener('click', sendPrompt);
$('stop').addEventListener('click', stopPrompt);
$('prompt').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !$('send').disabled) {
    sendPrompt();
  }
});
$('batch-generate').addEventListener('click', generatePrompts);
$('batch-run').addEventListener('click', runBatch);
$('job-submit').addEventListener('click', submitJob);
$('job-cancel').addEventListener('click', cancelJob);
$('demo-phase').addEventListener('change', () => changeDemo({ batchPhaseMs: Number($('demo-phase').value) }));
$('demo-delay').addEventListener('change', () => changeDemo({ tokenDelayMs: Number($('demo-delay').value) }));
$('demo-fail').addEventListener('change', () => changeDemo({ failStatus: Number($('demo-fail').value) }));
$('demo-flex').addEventListener('change', () => changeDemo({ flexUnavailable: $('demo-flex').value === 'true' }));

generatePrompts();
loadDemo();
refreshHealth();
setInterval(refreshHealth, 1000);
