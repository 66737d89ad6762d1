"""python -m klantspiegel.exports: rewrite docs/exports.md and docs/exports.schema.json."""

from klantspiegel.exports.docs import write_docs

for path in write_docs():
    print(path)
