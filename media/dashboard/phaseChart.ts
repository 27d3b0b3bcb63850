// Pods by phase over the last minutes as stacked areas on a canvas: one element however long the
// history, redrawn only when a sample arrives, the size changes or the theme does (colours are read
// from the theme's CSS variables at draw time).
import type { PhaseSample } from '../../extension/webviews/protocol/dashboard';
import { podPhases } from '../../extension/webviews/protocol/dashboard';
import { formatCount, h, setText } from '../common/dom';

const phaseVariables = podPhases.map((phase) => `--ks-phase-${phase.toLowerCase()}`);

export class PhaseChart {
  /** The figure: the canvas and a caption giving its time span and scale. */
  readonly element: HTMLElement;
  private readonly canvas = h('canvas', { class: 'phase-chart', role: 'img' });
  private readonly caption = h('figcaption', { class: 'ks-muted' });
  private history: readonly PhaseSample[] = [];

  constructor() {
    this.element = h('figure', { class: 'chart' }, this.canvas, this.caption);
    new ResizeObserver(() => this.draw()).observe(this.canvas);
    // VS Code swaps the body's theme class (vscode-light, vscode-dark, vscode-high-contrast…) on a theme change.
    new MutationObserver(() => this.draw()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  update(history: readonly PhaseSample[]): void {
    this.history = history;
    const last = history[history.length - 1];
    const minutes = history.length > 1 ? Math.round((last!.time - history[0]!.time) / 60_000) : 0;
    const peak = Math.max(0, ...history.map((s) => s.counts.reduce((a, b) => a + b, 0)));
    setText(this.caption, `Pods by phase, all namespaces, last ${minutes} min (peak ${formatCount(peak)})`);
    this.canvas.setAttribute('aria-label', last ? `Pods by phase over the last ${minutes} minutes: ${podPhases.map((p, i) => `${p} ${last.counts[i]}`).join(', ')}` : 'No samples yet');
    this.draw();
  }

  private draw(): void {
    const canvas = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (!width || !height) return;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const context = canvas.getContext('2d');
    if (!context) return;
    context.scale(ratio, ratio);
    context.clearRect(0, 0, width, height);
    const style = getComputedStyle(canvas);
    const samples = this.history;
    const max = Math.max(1, ...samples.map((s) => s.counts.reduce((a, b) => a + b, 0)));
    const x = (i: number) => (samples.length < 2 ? width : (i / (samples.length - 1)) * width);
    const y = (value: number) => height - (value / max) * (height - 2);
    context.strokeStyle = style.getPropertyValue('--ks-border').trim() || style.color;
    context.globalAlpha = 0.6;
    context.beginPath();
    context.moveTo(0, height - 0.5);
    context.lineTo(width, height - 0.5);
    context.stroke();
    if (samples.length < 2) return;
    // Stack from the first phase up: each band sits on the sum of the ones before it.
    const base = samples.map(() => 0);
    podPhases.forEach((_, p) => {
      const top = samples.map((s, i) => base[i]! + s.counts[p]!);
      if (top.every((v, i) => v === base[i])) return;
      context.beginPath();
      top.forEach((v, i) => (i ? context.lineTo(x(i), y(v)) : context.moveTo(x(i), y(v))));
      for (let i = samples.length - 1; i >= 0; i--) context.lineTo(x(i), y(base[i]!));
      context.closePath();
      const colour = style.getPropertyValue(phaseVariables[p]!).trim() || style.color;
      context.globalAlpha = 0.35;
      context.fillStyle = colour;
      context.fill();
      context.globalAlpha = 1;
      context.strokeStyle = colour;
      context.beginPath();
      top.forEach((v, i) => (i ? context.lineTo(x(i), y(v)) : context.moveTo(x(i), y(v))));
      context.stroke();
      top.forEach((v, i) => (base[i] = v));
    });
  }
}
