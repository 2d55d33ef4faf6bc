globalThis.userPreloadRan = true;
