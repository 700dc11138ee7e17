"use client";
import { useCallback, useEffect, useRef } from "react";

/**
 * Collects items pushed at any rate and hands them to `flush` at most once per
 * animation frame, so a fast stream causes one React update per frame. Only the
 * newest `limit` items are kept between frames (a hidden tab gets no frames);
 * `arrived` counts all of them.
 */
export function useFrameBatch<T>(
  flush: (items: T[], arrived: number) => void,
  limit: number,
): (item: T) => void {
  const pending = useRef<T[]>([]);
  const arrived = useRef(0);
  const frame = useRef<number | null>(null);
  const flushRef = useRef(flush);
  useEffect(() => {
    flushRef.current = flush;
  });
  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );
  return useCallback(
    (item: T) => {
      pending.current.push(item);
      arrived.current++;
      if (pending.current.length > limit * 2) pending.current = pending.current.slice(-limit);
      frame.current ??= requestAnimationFrame(() => {
        frame.current = null;
        const items = pending.current.slice(-limit);
        const count = arrived.current;
        pending.current = [];
        arrived.current = 0;
        flushRef.current(items, count);
      });
    },
    [limit],
  );
}
