import { createContext } from 'svelte';
import type { AppState } from './state/app-state.svelte.ts';

/** Components read the one AppState from context instead of threading it through every prop list. */
export const [getApp, setApp] = createContext<AppState>();
