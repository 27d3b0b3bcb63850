// Draws the Logs page: a toolbar (follow, previous, search with next/previous match), a chip per log
// source that filters it in or out, and the lines as a virtual list: only the rows in view (and a
// few around them) exist in the DOM, drawn from a bounded ring of lines, so 50,000 lines cost what
// fifty do.
import type { InitMessage, LogSource, LogTarget, SourceState, WebviewMessage } from '../../extension/webviews/protocol/logs';
import { formatCount, h, icon, setText } from '../common/dom';
import { LogBuffer, SeqList } from './logBuffer';

/** Every row is this tall (the CSS sets the same line height), so row i sits at i × rowHeight. */
export const rowHeight = 18;
/** Rows drawn beyond each edge of the view, so a short scroll shows rows already there. */
const overscan = 10;
/** Colours given to sources in turn. */
const sourceColours = 6;

export interface LogViewState {
  /** What the page shows: after a window reload the extension reopens it from here. */
  readonly target: LogTarget | undefined;
  readonly follow: boolean;
  readonly previous: boolean;
  readonly query: string;
  /** Sources filtered out, as `pod/container`: names outlive a source's id across reloads. */
  readonly hidden: readonly string[];
}

export interface LogViewOptions {
  readonly post: (message: WebviewMessage) => void;
  readonly capacity: number;
  readonly state: LogViewState;
  readonly onStateChange: (state: LogViewState) => void;
}

const stateIcons: Record<SourceState, string> = { waiting: 'watch', streaming: 'circle-filled', ended: 'circle-outline', error: 'error' };

export class LogView {
  private readonly buffer: LogBuffer;
  private readonly sources = new Map<number, LogSource>();
  private readonly chipElements = new Map<number, HTMLButtonElement>();
  private readonly hidden: Set<string>;
  private readonly hiddenIds = new Set<number>();
  /** The lines the chips let through; undefined while every source is shown (then row i is line start + i). */
  private filtered: SeqList | undefined;
  private readonly matches = new SeqList();
  /** Sequence number of the match the user stepped to, -1 for none. */
  private current = -1;
  private query: string;
  private needle: string;
  private follow: boolean;
  private previous: boolean;
  private target: LogTarget | undefined;
  /** Rows that fell off the front since the last frame: the view moves up by as many to stay put. */
  private droppedRows = 0;
  private expectedScrollTop = 0;
  private frame = 0;
  /** Counts inits: sequence numbers start again at 0 with each, so a row's stamp must say which. */
  private generation = 0;

  private readonly followButton = toggle('follow', 'arrow-down', 'Follow', 'Scroll to new lines as they arrive');
  private readonly previousButton = toggle('previous', 'history', 'Previous', 'Logs of the previous (last terminated) container instead');
  private readonly search = h('input', { class: 'search', type: 'search', placeholder: 'Search', 'aria-label': 'Search the logs', spellcheck: 'false' });
  private readonly matchCount = h('span', { class: 'match-count ks-muted', 'aria-live': 'polite' });
  private readonly lineCount = h('span', { class: 'line-count ks-muted' });
  private readonly title = h('h1', {});
  private readonly chips = h('div', { class: 'chips', role: 'group', 'aria-label': 'Sources' });
  private readonly viewport = h('div', { class: 'viewport', tabindex: '0', role: 'log', 'aria-label': 'Log lines' });
  private readonly spacer = h('div', { class: 'spacer' });
  private readonly rows = h('div', { class: 'rows' });
  private readonly pool: HTMLElement[] = [];

  constructor(private readonly options: LogViewOptions) {
    this.buffer = new LogBuffer(options.capacity);
    this.follow = options.state.follow;
    this.previous = options.state.previous;
    this.target = options.state.target;
    this.query = options.state.query;
    this.needle = this.query.toLowerCase();
    this.hidden = new Set(options.state.hidden);
    this.search.value = this.query;
    const prev = h('button', { class: 'ks-icon-button', 'data-action': 'prev-match', title: 'Previous match (Shift+Enter)', 'aria-label': 'Previous match' }, icon('arrow-up'));
    const next = h('button', { class: 'ks-icon-button', 'data-action': 'next-match', title: 'Next match (Enter)', 'aria-label': 'Next match' }, icon('arrow-down'));
    const toolbar = h('div', { class: 'toolbar' }, this.title, this.followButton, this.previousButton, h('div', { class: 'search-box' }, icon('search'), this.search, this.matchCount, prev, next), this.lineCount);
    this.viewport.append(this.spacer, this.rows);
    document.body.append(toolbar, this.chips, this.viewport);
    this.syncToggles();

    toolbar.addEventListener('click', (event) => {
      const action = (event.target as Element).closest<HTMLElement>('[data-action]')?.dataset.action;
      if (action === 'follow') this.setFollow(!this.follow);
      else if (action === 'previous') this.options.post({ type: 'setPrevious', previous: !this.previous });
      else if (action === 'next-match') this.step(1);
      else if (action === 'prev-match') this.step(-1);
    });
    this.search.addEventListener('input', () => this.setQuery(this.search.value));
    this.search.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      this.step(event.shiftKey ? -1 : 1);
    });
    this.chips.addEventListener('click', (event) => {
      const chip = (event.target as Element).closest<HTMLElement>('.chip');
      if (chip) this.toggleSource(Number(chip.dataset.source));
    });
    this.viewport.addEventListener('scroll', () => this.onScroll());
    window.addEventListener('resize', () => this.schedule());
  }

  init(message: InitMessage): void {
    const { kind, name, container, namespace } = message.target;
    this.title.replaceChildren(icon('output'), h('span', {}, `${kind} ${namespace}/${name}${container ? ` (${container})` : ''}`));
    this.previous = message.previous;
    this.target = message.target;
    this.generation++;
    this.buffer.clear();
    this.sources.clear();
    this.hiddenIds.clear();
    this.chipElements.clear();
    this.chips.replaceChildren();
    this.matches.clear();
    this.current = -1;
    this.droppedRows = 0;
    this.filtered = undefined;
    this.setSources(message.sources);
    this.syncToggles();
    this.save();
    this.schedule();
  }

  setSources(sources: readonly LogSource[]): void {
    let filterChanged = false;
    for (const source of sources) {
      const known = this.sources.has(source.id);
      this.sources.set(source.id, source);
      if (!known && this.hidden.has(keyOf(source))) {
        this.hiddenIds.add(source.id);
        filterChanged = true;
      }
      this.drawChip(source);
    }
    if (filterChanged) this.refilter();
    this.schedule();
  }

  append(sources: readonly number[], texts: readonly string[]): void {
    const filtered = this.filtered;
    for (let i = 0; i < texts.length; i++) {
      const source = sources[i]!;
      const text = texts[i]!;
      if (this.buffer.push(source, text)) {
        const start = this.buffer.start;
        this.droppedRows += filtered ? filtered.dropBelow(start) : 1;
        if (this.matches.dropBelow(start) && this.current >= 0 && this.current < start) this.current = -1;
      }
      if (this.hiddenIds.has(source)) continue;
      const seq = this.buffer.end - 1;
      filtered?.push(seq);
      if (this.needle && text.toLowerCase().includes(this.needle)) this.matches.push(seq);
    }
    this.schedule();
  }

  /** Lines kept, lines shown, matches: for tests and the status line. */
  get counts(): { kept: number; shown: number; matches: number } {
    return { kept: this.buffer.size, shown: this.rowCount, matches: this.matches.length };
  }

  private get rowCount(): number {
    return this.filtered ? this.filtered.length : this.buffer.size;
  }

  private seqAt(row: number): number {
    return this.filtered ? this.filtered.at(row) : this.buffer.start + row;
  }

  private rowOf(seq: number): number {
    return this.filtered ? this.filtered.indexOf(seq) : seq - this.buffer.start;
  }

  private schedule(): void {
    this.frame ||= requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Draws the rows in view; called once per frame at most. */
  render(): void {
    const count = this.rowCount;
    this.spacer.style.height = `${count * rowHeight}px`;
    // From the row count, not scrollHeight: rows still placed for a longer list would inflate it.
    if (this.follow) this.scrollTo(this.bottom());
    else if (this.droppedRows) this.scrollTo(this.viewport.scrollTop - this.droppedRows * rowHeight);
    this.droppedRows = 0;
    const top = this.viewport.scrollTop;
    const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
    const last = Math.min(count, Math.ceil((top + this.viewport.clientHeight) / rowHeight) + overscan);
    this.rows.style.transform = `translateY(${first * rowHeight}px)`;
    const multi = this.sources.size > 1;
    for (let i = first; i < last; i++) {
      const element = this.pool[i - first] ?? this.rows.appendChild(h('div', { class: 'line' }));
      this.pool[i - first] = element;
      const seq = this.seqAt(i);
      const stamp = `${this.generation}|${seq}|${this.needle}|${seq === this.current}|${multi}`;
      if (element.dataset.stamp !== stamp) this.drawLine(element, seq, stamp, multi);
    }
    while (this.pool.length > Math.max(0, last - first)) this.pool.pop()!.remove();
    setText(this.lineCount, `${formatCount(count)} lines${count !== this.buffer.size ? ` of ${formatCount(this.buffer.size)}` : ''}`);
    const position = this.current >= 0 ? this.matches.indexOf(this.current) + 1 : 0;
    setText(this.matchCount, this.needle ? `${position ? `${formatCount(position)} of ` : ''}${formatCount(this.matches.length)}` : '');
  }

  private drawLine(element: HTMLElement, seq: number, stamp: string, multi: boolean): void {
    const source = this.sources.get(this.buffer.source(seq));
    const text = this.buffer.text(seq);
    element.dataset.stamp = stamp;
    element.dataset.seq = String(seq);
    element.className = seq === this.current ? 'line current' : 'line';
    const parts: (Node | string)[] = [];
    if (multi && source) parts.push(h('span', { class: `prefix source-${source.id % sourceColours}` }, `${source.pod}/${source.container} `));
    if (this.needle) {
      const lower = text.toLowerCase();
      let at = 0;
      for (let hit = lower.indexOf(this.needle); hit >= 0; hit = lower.indexOf(this.needle, hit + this.needle.length)) {
        if (hit > at) parts.push(text.slice(at, hit));
        parts.push(h('mark', {}, text.slice(hit, hit + this.needle.length)));
        at = hit + this.needle.length;
      }
      if (at < text.length) parts.push(text.slice(at));
    } else parts.push(text);
    element.replaceChildren(...parts);
  }

  /** The scrollTop that shows the last row at the bottom. */
  private bottom(): number {
    return Math.max(0, this.rowCount * rowHeight - this.viewport.clientHeight);
  }

  private scrollTo(top: number): void {
    this.viewport.scrollTop = Math.max(0, Math.min(top, this.bottom()));
    this.expectedScrollTop = this.viewport.scrollTop;
  }

  /** A scroll the user made: away from the bottom stops following, back to it follows again. */
  private onScroll(): void {
    const top = this.viewport.scrollTop;
    if (Math.abs(top - this.expectedScrollTop) > 1) {
      this.expectedScrollTop = top;
      const atBottom = top >= this.bottom() - rowHeight / 2;
      if (atBottom !== this.follow) {
        this.follow = atBottom;
        this.syncToggles();
        this.save();
      }
    }
    this.schedule();
  }

  private setFollow(follow: boolean): void {
    this.follow = follow;
    this.syncToggles();
    this.save();
    this.schedule();
  }

  private setQuery(query: string): void {
    this.query = query;
    this.needle = query.toLowerCase();
    this.current = -1;
    this.rebuildMatches();
    this.save();
    this.schedule();
  }

  /** Steps to the next (1) or previous (-1) match after the current one, or after the top row in view. */
  private step(direction: 1 | -1): void {
    const total = this.matches.length;
    if (!total) return;
    let index: number;
    if (this.current >= 0) index = this.matches.indexOf(this.current) + direction;
    else {
      const topSeq = this.rowCount ? this.seqAt(Math.min(this.rowCount - 1, Math.floor(this.viewport.scrollTop / rowHeight))) : 0;
      index = this.matches.indexOf(topSeq) + (direction === 1 ? 0 : -1);
    }
    index = (index + total) % total;
    this.current = this.matches.at(index);
    this.follow = false;
    this.syncToggles();
    this.save();
    const row = this.rowOf(this.current);
    this.scrollTo(row * rowHeight - this.viewport.clientHeight / 2 + rowHeight / 2);
    this.render();
  }

  private toggleSource(id: number): void {
    const source = this.sources.get(id);
    if (!source) return;
    const key = keyOf(source);
    if (this.hiddenIds.delete(id)) this.hidden.delete(key);
    else {
      this.hiddenIds.add(id);
      this.hidden.add(key);
    }
    this.drawChip(source);
    this.refilter();
    this.save();
    this.schedule();
  }

  private refilter(): void {
    if (!this.hiddenIds.size) this.filtered = undefined;
    else {
      const filtered = new SeqList();
      for (let seq = this.buffer.start; seq < this.buffer.end; seq++) if (!this.hiddenIds.has(this.buffer.source(seq))) filtered.push(seq);
      this.filtered = filtered;
    }
    this.droppedRows = 0;
    this.rebuildMatches();
  }

  private rebuildMatches(): void {
    this.matches.clear();
    if (!this.needle) return;
    for (let row = 0, count = this.rowCount; row < count; row++) {
      const seq = this.seqAt(row);
      if (this.buffer.text(seq).toLowerCase().includes(this.needle)) this.matches.push(seq);
    }
    if (this.current >= 0 && this.matches.at(this.matches.indexOf(this.current)) !== this.current) this.current = -1;
  }

  private drawChip(source: LogSource): void {
    let chip = this.chipElements.get(source.id);
    if (!chip) {
      chip = h('button', { class: 'chip', 'data-source': String(source.id) });
      this.chipElements.set(source.id, chip);
      this.chips.append(chip);
    }
    const shown = !this.hiddenIds.has(source.id);
    chip.className = `chip state-${source.state} source-${source.id % sourceColours}${shown ? '' : ' off'}`;
    chip.setAttribute('aria-pressed', String(shown));
    chip.title = `${source.pod}/${source.container}: ${source.state}${source.message ? ` (${source.message})` : ''}`;
    chip.replaceChildren(icon(stateIcons[source.state]), h('span', {}, `${source.pod}/${source.container}`));
  }

  private syncToggles(): void {
    this.followButton.setAttribute('aria-pressed', String(this.follow));
    this.previousButton.setAttribute('aria-pressed', String(this.previous));
  }

  private save(): void {
    this.options.onStateChange({ target: this.target, follow: this.follow, previous: this.previous, query: this.query, hidden: [...this.hidden] });
  }
}

function keyOf(source: LogSource): string {
  return `${source.pod}/${source.container}`;
}

function toggle(action: string, codicon: string, label: string, title: string): HTMLButtonElement {
  return h('button', { class: 'toggle', 'data-action': action, title, 'aria-pressed': 'false' }, icon(codicon), h('span', {}, label));
}
