// Loaded before every test file (.mocharc.json): the suite runs with the cache mutation detector
// on, so objects shared among watchers are frozen and a consumer that changes one fails its test.
process.env.KUBESIDE_CACHE_MUTATION_DETECTOR = 'true';
