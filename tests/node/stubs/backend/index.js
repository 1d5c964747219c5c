// A backend secret reference, shaped like the real one (resolve /
// resolvePath), naming the secret Quarry reads from its own store.
export function secret(name) {
  return {
    name,
    resolve() { return { name }; },
    resolvePath() { return { branchSecretPath: name, sharedSecretPath: name }; },
  };
}
