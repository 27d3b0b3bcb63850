// Draws the Resource details page: a header (kind, name, status, actions) and one section per part
// of the object (fields, owners, containers, conditions, rollout history, data keys, events). An
// update redraws only the sections it carries, and within a list only the rows whose data changed,
// so what the user is looking at (a focused button, a selection) is left alone.
import type { ContainerRow, Details, EventRow, InitMessage, ObjectLink, ProbeRow, RevisionRow, SectionName, StatusLevel, WebviewMessage } from '../../extension/webviews/protocol/details';
import { humanDuration } from '../../engine/http/printers';
import { h, icon, setText } from '../common/dom';

const levelIcons: Record<StatusLevel, string> = { ok: 'pass-filled', progress: 'sync', warning: 'warning', error: 'error', done: 'check-all', unknown: 'question' };

/** Codicons by kind, as the sidebar trees draw them. */
const kindIcons: Record<string, string> = {
  Pod: 'symbol-event',
  Deployment: 'layers',
  ReplicaSet: 'copy',
  ReplicationController: 'copy',
  StatefulSet: 'database',
  DaemonSet: 'server-process',
  Job: 'run',
  CronJob: 'watch',
  Node: 'server',
  Service: 'plug',
  Ingress: 'globe',
  ConfigMap: 'settings',
  Secret: 'key',
  Namespace: 'symbol-namespace',
  PersistentVolumeClaim: 'database',
  PersistentVolume: 'database',
};

export interface DetailsViewOptions {
  readonly post: (message: WebviewMessage) => void;
  readonly collapsed: ReadonlySet<string>;
  readonly onToggle: (section: string, collapsed: boolean) => void;
}

interface Section {
  readonly element: HTMLElement;
  readonly body: HTMLElement;
}

const sectionTitles: Record<Exclude<SectionName, 'summary'>, [string, string]> = {
  owners: ['Owned by', 'type-hierarchy-super'],
  containers: ['Containers', 'package'],
  conditions: ['Conditions', 'checklist'],
  rollout: ['Rollout history', 'history'],
  dataKeys: ['Data', 'key'],
  events: ['Events', 'bell'],
};

export class DetailsView {
  private readonly header = h('header', { class: 'details-header' });
  private readonly title = h('h1', {});
  private readonly subtitle = h('div', { class: 'subtitle ks-muted' });
  private readonly status = h('span', { class: 'status', role: 'status' });
  private readonly actions = h('div', { class: 'actions' });
  private readonly fields = h('dl', { class: 'fields' });
  private readonly labels = h('div', { class: 'labels' });
  private readonly missing = h('p', { class: 'missing ks-muted', hidden: '' });
  private readonly sections = new Map<string, Section>();
  private target: ObjectLink | undefined;
  private now = 0;

  constructor(private readonly options: DetailsViewOptions) {
    this.header.append(h('div', { class: 'title-row' }, this.title, this.status), this.subtitle, this.actions);
    const main = h('main', {}, this.fields, this.labels);
    for (const [name, [title, codicon]] of Object.entries(sectionTitles)) {
      const section = this.section(name, title, codicon);
      this.sections.set(name, section);
      main.append(section.element);
    }
    document.body.append(this.header, this.missing, main);
    document.body.addEventListener('click', (event) => this.onClick(event));
  }

  init(message: InitMessage): void {
    this.target = message.target;
    this.now = message.now;
    const { kind, namespace, name } = message.target;
    this.title.replaceChildren(icon(kindIcons[kind] ?? 'symbol-misc'), h('span', { class: 'name' }, name));
    setText(this.subtitle, namespace ? `${kind} in ${namespace}` : kind);
    this.actions.replaceChildren(
      button('showYaml', 'file-code', 'Show YAML'),
      ...(message.logs ? [button('logs', 'output', 'Logs')] : []),
    );
    document.body.classList.toggle('gone', !message.details);
    if (!message.details) {
      setText(this.missing, `${kind} ${name} does not exist in the cluster (any more).`);
      this.missing.hidden = false;
      this.status.replaceChildren();
      this.fields.replaceChildren();
      this.labels.replaceChildren();
      for (const section of this.sections.values()) {
        section.body.replaceChildren();
        section.element.hidden = true;
      }
      return;
    }
    this.missing.hidden = true;
    this.render(message.details);
  }

  update(details: Partial<Details>, now: number): void {
    if (!this.target || document.body.classList.contains('gone')) return;
    this.now = now;
    this.render(details);
    // Rows kept from earlier messages show their age as of this one.
    for (const element of document.querySelectorAll<HTMLElement>('time[data-since]')) setText(element, humanDuration(now - Number(element.dataset.since)));
  }

  /** How long ago `since` was, on the extension's clock; updates move it on. */
  private age(since: number): HTMLTimeElement {
    const iso = new Date(since).toISOString();
    return h('time', { datetime: iso, title: iso, 'data-since': String(since) }, humanDuration(this.now - since));
  }

  private render(details: Partial<Details>): void {
    if (details.summary) {
      const s = details.summary;
      this.status.className = `status level-${s.level}`;
      this.status.replaceChildren(icon(levelIcons[s.level]), h('span', {}, s.status));
      this.fields.replaceChildren(
        ...s.fields.flatMap((f) => [h('dt', {}, f.label), h('dd', {}, f.value)]),
        h('dt', {}, 'Age'),
        h('dd', {}, this.age(s.created)),
      );
      this.labels.replaceChildren(...s.labels.map((l) => h('span', { class: 'label-chip' }, `${l.label}=${l.value}`)));
    }
    if (details.owners) this.list('owners', details.owners, (o) => `${o.kind}/${o.name}`, (o) => {
      const text = `${o.kind} ${o.name}`;
      return h('li', { class: 'owner' }, icon(kindIcons[o.kind] ?? 'symbol-misc'), ' ', o.linked ? h('button', { class: 'link', 'data-action': 'open', 'data-kind': o.kind, 'data-namespace': o.namespace, 'data-name': o.name }, text) : h('span', {}, text));
    });
    if (details.containers) this.list('containers', details.containers, (c) => c.name, (c) => this.container(c));
    if (details.conditions) this.list('conditions', details.conditions, (c) => c.type, (c) =>
      h('li', { class: `condition status-${c.status.toLowerCase()}` }, icon(c.status === 'True' ? 'pass' : c.status === 'False' ? 'circle-slash' : 'question'), h('span', { class: 'condition-type' }, c.type), h('span', { class: 'ks-muted' }, [c.reason, c.message].filter(Boolean).join(': ')), h('span', { class: 'ks-muted condition-since' }, c.since ? this.age(c.since) : '')),
    );
    if (details.rollout !== undefined) this.list('rollout', details.rollout, (r) => String(r.revision), (r) => this.revision(r));
    if (details.dataKeys !== undefined) this.list('dataKeys', details.dataKeys, (k) => k, (k) => h('li', { class: 'data-key' }, icon('symbol-key'), h('code', {}, k), h('span', { class: 'ks-muted' }, this.target?.kind === 'Secret' ? 'value hidden' : '')));
    if (details.events) this.list('events', [...details.events].reverse(), (e) => e.uid, (e) => this.event(e));
  }

  /**
   * Draws a list section keyed by row: a row whose data is unchanged keeps its element, others are
   * drawn anew, in the order given. A null list hides the section (the kind has no such part).
   */
  private list<T>(name: string, rows: readonly T[] | null, key: (row: T) => string, draw: (row: T) => HTMLElement): void {
    const section = this.sections.get(name)!;
    section.element.hidden = rows === null || (rows.length === 0 && name !== 'events' && name !== 'conditions');
    const count = section.element.querySelector('.count')!;
    setText(count, rows?.length ? String(rows.length) : '');
    let list = section.body.querySelector<HTMLOListElement>(':scope > ol');
    if (!list) section.body.append((list = h('ol', { class: `rows ${name}` })));
    const existing = new Map<string, HTMLElement>();
    for (const child of list.children) existing.set((child as HTMLElement).dataset.key!, child as HTMLElement);
    const wanted: HTMLElement[] = [];
    for (const row of rows ?? []) {
      const k = key(row);
      const data = JSON.stringify(row);
      let element = existing.get(k);
      if (!element || element.dataset.row !== data) {
        element = draw(row);
        element.dataset.key = k;
        element.dataset.row = data;
      }
      wanted.push(element);
    }
    // Moves only what is out of place, so kept rows stay the same nodes.
    wanted.forEach((element, i) => {
      if (list.children[i] !== element) list.insertBefore(element, list.children[i] ?? null);
    });
    while (list.children.length > wanted.length) list.lastElementChild!.remove();
    const empty = section.body.querySelector('.empty');
    if (!rows?.length && !empty) section.body.append(h('p', { class: 'empty ks-muted' }, 'None'));
    if (rows?.length && empty) empty.remove();
  }

  private container(c: ContainerRow): HTMLElement {
    const state = c.state === 'running' ? (c.ready ? 'Running, ready' : 'Running, not ready') : c.state === 'unknown' ? 'Unknown' : `${c.state === 'waiting' ? 'Waiting' : 'Terminated'}: ${c.reason}`;
    const level = c.state === 'running' ? (c.ready ? 'ok' : 'warning') : c.state === 'terminated' && c.reason === 'Completed' ? 'done' : c.state === 'waiting' && !/BackOff|Err/.test(c.reason) ? 'progress' : c.state === 'unknown' ? 'unknown' : 'error';
    const facts = h(
      'dl',
      { class: 'container-facts' },
      h('dt', {}, 'Image'),
      h('dd', {}, h('code', {}, c.image)),
      h('dt', {}, 'State'),
      h('dd', { class: `level-${level}` }, icon(levelIcons[level]), ` ${state}`, c.since ? h('span', { class: 'ks-muted' }, ' (', this.age(c.since), ')') : ''),
      h('dt', {}, 'Restarts'),
      h('dd', { class: c.restarts ? 'restarts level-warning' : 'restarts' }, String(c.restarts)),
    );
    if (c.lastTermination) {
      const t = c.lastTermination;
      facts.append(h('dt', {}, 'Last termination'), h('dd', { class: 'last-termination' }, `${t.reason || 'Terminated'}, exit code ${t.exitCode}`, t.finished ? h('span', { class: 'ks-muted' }, ' (', this.age(t.finished), ' ago)') : ''));
    }
    const probes = c.probes.length ? h('ul', { class: 'probes' }, ...c.probes.map(probe)) : '';
    const role = c.role === 'app' ? '' : h('span', { class: 'role-badge' }, c.role);
    return h(
      'li',
      { class: `container state-${c.state}` },
      h('div', { class: 'container-title' }, icon('package'), h('strong', {}, c.name), role, h('button', { class: 'ks-icon-button', 'data-action': 'logs', 'data-container': c.name, title: `Logs of ${c.name}`, 'aria-label': `Logs of ${c.name}` }, icon('output'))),
      facts,
      probes,
    );
  }

  private revision(r: RevisionRow): HTMLElement {
    return h(
      'li',
      { class: r.current ? 'revision current' : 'revision' },
      h('span', { class: 'revision-number' }, `#${r.revision}`),
      h('span', { class: 'revision-rs' }, r.replicaSet),
      h('code', { class: 'revision-images' }, r.images.join(', ')),
      h('span', { class: 'ks-muted' }, `${r.ready}/${r.replicas} ready`),
      r.changeCause ? h('span', { class: 'ks-muted' }, r.changeCause) : '',
      r.current
        ? h('span', { class: 'current-badge' }, icon('check'), ' current')
        : h('button', { class: 'rollback', 'data-action': 'rollback', 'data-revision': String(r.revision), title: `Roll back to revision ${r.revision}` }, icon('discard'), ' Roll back'),
    );
  }

  private event(e: EventRow): HTMLElement {
    const warning = e.type === 'Warning';
    return h(
      'li',
      { class: warning ? 'event warning' : 'event' },
      icon(warning ? 'warning' : 'info'),
      h('span', { class: 'event-reason' }, e.reason),
      h('span', { class: 'event-message' }, e.message),
      h('span', { class: 'ks-muted event-meta' }, e.count > 1 ? `×${e.count} ` : '', this.age(e.last), ` · ${e.source}`),
    );
  }

  private section(name: string, title: string, codicon: string): Section {
    const collapsed = this.options.collapsed.has(name);
    const toggle = h('button', { class: 'section-toggle', 'aria-expanded': String(!collapsed) }, icon(collapsed ? 'chevron-right' : 'chevron-down'), icon(codicon), h('span', {}, title), h('span', { class: 'count ks-muted' }));
    const body = h('div', { class: 'section-body' });
    body.hidden = collapsed;
    const element = h('section', { class: `section section-${name}`, 'data-section': name }, h('h2', {}, toggle), body);
    toggle.addEventListener('click', () => {
      body.hidden = !body.hidden;
      toggle.setAttribute('aria-expanded', String(!body.hidden));
      toggle.firstElementChild!.replaceWith(icon(body.hidden ? 'chevron-right' : 'chevron-down'));
      this.options.onToggle(name, body.hidden);
    });
    return { element, body };
  }

  private onClick(event: MouseEvent): void {
    const target = (event.target as Element).closest<HTMLElement>('[data-action]');
    if (!target) return;
    const d = target.dataset;
    switch (d.action) {
      case 'showYaml':
        return this.options.post({ type: 'showYaml' });
      case 'logs':
        return this.options.post(d.container ? { type: 'logs', container: d.container } : { type: 'logs' });
      case 'rollback':
        return this.options.post({ type: 'rollback', revision: Number(d.revision) });
      case 'open':
        return this.options.post({ type: 'open', target: { kind: d.kind!, namespace: d.namespace ?? '', name: d.name! } });
    }
  }
}

function button(action: string, codicon: string, label: string): HTMLButtonElement {
  return h('button', { class: 'action', 'data-action': action }, icon(codicon), h('span', {}, label));
}

function probe(p: ProbeRow): HTMLElement {
  const glyph = p.result === 'success' ? 'pass' : p.result === 'failure' ? 'error' : 'circle-outline';
  return h(
    'li',
    { class: `probe result-${p.result}`, title: p.message || p.result },
    icon(glyph),
    h('span', { class: 'probe-type' }, `${p.type[0]!.toUpperCase()}${p.type.slice(1)}`),
    h('code', { class: 'ks-muted' }, p.description),
    p.message ? h('span', { class: 'probe-message' }, p.message) : '',
  );
}

