// A value that follows `value` at most once per `intervalMs` while `throttle` is on, and at once
// when it is off. For views that are expensive to render (charts) fed by a stream of updates: a
// fast batch run can deliver results faster than the charts can redraw.
import { useEffect, useRef, useState } from 'react';

export function useThrottledValue<T>(value: T, throttle: boolean, intervalMs: number): T {
  const [shown, setShown] = useState(value);
  const lastShownAt = useRef(-Infinity); // nothing shown yet: the first change shows at once
  useEffect(() => {
    if (Object.is(value, shown)) return;
    const wait = throttle ? lastShownAt.current + intervalMs - performance.now() : 0;
    const show = () => {
      lastShownAt.current = performance.now();
      setShown(value);
    };
    if (wait <= 0) {
      show();
      return;
    }
    const timer = setTimeout(show, wait);
    return () => clearTimeout(timer);
  }, [value, shown, throttle, intervalMs]);
  return throttle ? shown : value;
}
