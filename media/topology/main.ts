// Entry of the Topology webview. Messages from the extension are validated, queued and applied
// together once per animation frame, so a burst of cluster changes costs one redraw (and at most one
// layout); the filters are kept with setState for when VS Code hides and restores the panel or
// reloads the window.
import '../common/webview.css';
import '../common/fillPanel.css';
import './topology.css';
import { isObject, isString } from '../../extension/webviews/protocol/guards';
import { isHostMessage, type RequestPathMessage, type WebviewMessage } from '../../extension/webviews/protocol/topology';
import { onHostMessagesPerFrame } from '../common/panelPage';
import { savedState, vscodeApi } from '../common/vscodeApi';
import { type Filter, noChange, TopologyGraph } from './topologyGraph';
import { TopologyView } from './topologyView';

const isFilter = isObject<Filter>({ namespace: isString, selector: isString });

const vscode = vscodeApi<Filter, WebviewMessage>();
const graph = new TopologyGraph();
const view = new TopologyView(graph, {
  post: (message) => vscode.postMessage(message),
  filter: savedState(isFilter) ?? { namespace: '', selector: '' },
  onFilterChange: (filter) => vscode.setState(filter),
});

onHostMessagesPerFrame(
  isHostMessage,
  (messages) => {
    const change = noChange();
    for (const message of messages) if (message.type !== 'requestPath') graph.apply(message, change);
    view.render(change);
    // After the graph it walks is drawn; a later answer replaces an earlier one.
    const request = messages.findLast((m): m is RequestPathMessage => m.type === 'requestPath');
    if (request) view.showRequest(request);
  },
  // A request's answer is shown over whichever graph is drawn.
  (message) => message.type === 'requestPath',
);

vscode.postMessage({ type: 'ready' });
