// Keeps one broken screen from blanking the whole app; shows the error as text.
import { Component, type ReactNode } from 'react';

interface Props {
  children: ReactNode;
}
interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };
  static getDerivedStateFromError(error: Error): State {
    return { error };
  }
  override render() {
    if (this.state.error) {
      return (
        <div className="screen card error-card" role="alert">
          <h2>This screen failed</h2>
          <pre className="pre-wrap">{String(this.state.error.message)}</pre>
          <button type="button" onClick={() => this.setState({ error: null })}>
            Try again
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}
