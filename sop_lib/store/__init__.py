"""What the steps read and write: artifacts, the plan archive, the manifest, the lock."""
