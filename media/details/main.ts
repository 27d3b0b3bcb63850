// Entry of the Resource details webview. Messages from the extension are validated and applied
// once per animation frame (an `init` supersedes what was queued before it); which sections are
// collapsed and the scroll position are kept with setState, for when VS Code hides and restores the
// panel or reloads the window.
import '../common/webview.css';
import './details.css';
import { isHostMessage, isObjectLink, type ObjectLink, type WebviewMessage } from '../../extension/webviews/protocol/details';
import { isArrayOf, isNumber, isObject, isOptional, isString } from '../../extension/webviews/protocol/guards';
import { onHostMessagesPerFrame, onScrollY, viewState } from '../common/panelPage';
import { vscodeApi } from '../common/vscodeApi';
import { DetailsView } from './detailsView';

interface ViewState {
  /** What the page shows: after a window reload the extension reopens it from here. */
  readonly target: ObjectLink | undefined;
  readonly collapsed: readonly string[];
  readonly scrollY: number;
}

const isViewState = isObject<ViewState>({ target: isOptional(isObjectLink), collapsed: isArrayOf(isString), scrollY: isNumber });

const vscode = vscodeApi<ViewState, WebviewMessage>();
const viewed = viewState(isViewState, { target: undefined, collapsed: [], scrollY: 0 });

const view = new DetailsView({
  post: (message) => vscode.postMessage(message),
  collapsed: new Set(viewed.current.collapsed),
  onToggle: (section, collapsed) => viewed.save({ collapsed: collapsed ? [...new Set([...viewed.current.collapsed, section])] : viewed.current.collapsed.filter((s) => s !== section) }),
});

let restoreScroll = viewed.saved !== undefined;

onHostMessagesPerFrame(isHostMessage, (messages) => {
  for (const message of messages) {
    if (message.type === 'init') {
      view.init(message);
      if (JSON.stringify(viewed.current.target) !== JSON.stringify(message.target)) viewed.save({ target: message.target });
    } else view.update(message.details, message.now);
  }
  if (restoreScroll && messages.some((m) => m.type === 'init')) {
    restoreScroll = false;
    window.scrollTo(0, viewed.current.scrollY);
  }
});

onScrollY((scrollY) => viewed.save({ scrollY }));

vscode.postMessage({ type: 'ready' });
