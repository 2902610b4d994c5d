"""The kernel: errors, IRIs and ids, vocabulary, workspace layout, shipped resources."""
