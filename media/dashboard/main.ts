// Entry of the Cluster dashboard webview. Messages from the extension are validated, queued and
// applied together once per animation frame, so a burst of cluster changes costs one redraw; the
// view's own state (namespace, scroll position) is kept with setState for when VS Code hides and
// restores the panel or reloads the window.
import '../common/webview.css';
import './dashboard.css';
import { type HostMessage, isHostMessage, type WebviewMessage } from '../../extension/webviews/protocol/dashboard';
import { isNumber, isObject, isOptional, isString } from '../../extension/webviews/protocol/guards';
import { onHostMessage, savedState, vscodeApi } from '../common/vscodeApi';
import { DashboardState, noDirt } from './dashboardState';
import { DashboardView } from './dashboardView';

interface ViewState {
  readonly namespace: string | undefined;
  readonly scrollY: number;
}

const isViewState = isObject<ViewState>({ namespace: isOptional(isString), scrollY: isNumber });

const vscode = vscodeApi<ViewState, WebviewMessage>();
const saved = savedState(isViewState);
let viewState: ViewState = saved ?? { namespace: undefined, scrollY: 0 };
const save = (change: Partial<ViewState>) => {
  viewState = { ...viewState, ...change };
  vscode.setState(viewState);
};

const state = new DashboardState();
const view = new DashboardView(state, {
  post: (message) => vscode.postMessage(message),
  namespace: viewState.namespace,
  onNamespaceChange: (namespace) => save({ namespace }),
});

let queue: HostMessage[] = [];
let restoreScroll = saved !== undefined;

function flush(): void {
  const messages = queue;
  queue = [];
  const dirty = noDirt();
  for (const message of messages) state.apply(message, dirty);
  view.render(dirty);
  if (restoreScroll && dirty.reset) {
    restoreScroll = false;
    window.scrollTo(0, viewState.scrollY);
  }
}

onHostMessage(isHostMessage, (message) => {
  // A snapshot supersedes whatever was queued before it.
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
