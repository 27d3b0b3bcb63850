// Entry of the Resource details webview. Messages from the extension are validated and applied
// once per animation frame (an `init` supersedes what was queued before it); which sections are
// collapsed and the scroll position are kept with setState, for when VS Code hides and restores the
// panel or reloads the window.
import '../common/webview.css';
import './details.css';
import { type HostMessage, isHostMessage, isObjectLink, type ObjectLink, type WebviewMessage } from '../../extension/webviews/protocol/details';
import { isArrayOf, isNumber, isObject, isOptional, isString } from '../../extension/webviews/protocol/guards';
import { onHostMessage, savedState, vscodeApi } from '../common/vscodeApi';
import { DetailsView } from './detailsView';

interface ViewState {
  /** What the page shows: after a window reload the extension reopens it from here. */
  readonly target: ObjectLink | undefined;
  readonly collapsed: readonly string[];
  readonly scrollY: number;
}

const isViewState = isObject<ViewState>({ target: isOptional(isObjectLink), collapsed: isArrayOf(isString), scrollY: isNumber });

const vscode = vscodeApi<ViewState, WebviewMessage>();
const saved = savedState(isViewState);
let viewState: ViewState = saved ?? { target: undefined, collapsed: [], scrollY: 0 };
const save = (change: Partial<ViewState>) => {
  viewState = { ...viewState, ...change };
  vscode.setState(viewState);
};

const view = new DetailsView({
  post: (message) => vscode.postMessage(message),
  collapsed: new Set(viewState.collapsed),
  onToggle: (section, collapsed) => save({ collapsed: collapsed ? [...new Set([...viewState.collapsed, section])] : viewState.collapsed.filter((s) => s !== section) }),
});

let queue: HostMessage[] = [];
let restoreScroll = saved !== undefined;

function flush(): void {
  const messages = queue;
  queue = [];
  for (const message of messages) {
    if (message.type === 'init') {
      view.init(message);
      if (JSON.stringify(viewState.target) !== JSON.stringify(message.target)) save({ target: message.target });
    } else view.update(message.details, message.now);
  }
  if (restoreScroll && messages.some((m) => m.type === 'init')) {
    restoreScroll = false;
    window.scrollTo(0, viewState.scrollY);
  }
}

onHostMessage(isHostMessage, (message) => {
  if (message.type === 'init') queue = [];
  if (queue.push(message) === 1) requestAnimationFrame(flush);
});

let scrollFrame = 0;
window.addEventListener('scroll', () => {
  scrollFrame ||= requestAnimationFrame(() => {
    scrollFrame = 0;
    save({ scrollY: Math.round(window.scrollY) });
  });
});

vscode.postMessage({ type: 'ready' });
