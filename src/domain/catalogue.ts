/** RA's tags for sets that are not a game's main set; ranked below main sets, never hidden. */
export type SetKind = 'main' | 'subset' | 'hack' | 'homebrew' | 'prototype' | 'demo' | 'unlicensed' | 'other';
