// The batch table's sort and filter, kept outside the table so a shared link can carry them.
import { create } from 'zustand';
import type { SortKey } from '../analysis/batchRows.ts';
import { linkView } from './linkView.ts';

export interface BatchSort { key: SortKey; dir: 'asc' | 'desc' }
export const SHOWS = ['all', 'correct', 'wrong', 'errors', 'flagged'] as const;
export type BatchShow = (typeof SHOWS)[number];

interface BatchViewState {
  sort: BatchSort;
  filter: string;
  show: BatchShow;
  setSort(s: BatchSort): void;
  setFilter(f: string): void;
  setShow(s: BatchShow): void;
}

const fromLink = linkView().batch;

export const useBatchView = create<BatchViewState>((set) => ({
  sort: (fromLink?.sort as BatchSort | undefined) ?? { key: 'line', dir: 'asc' },
  filter: fromLink?.filter ?? '',
  show: (SHOWS as readonly string[]).includes(fromLink?.show ?? '') ? (fromLink!.show as BatchShow) : 'all',
  setSort: (sort) => set({ sort }),
  setFilter: (filter) => set({ filter }),
  setShow: (show) => set({ show }),
}));
