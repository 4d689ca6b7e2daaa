"""Many workspaces: each installation's token (encrypted at rest), settings and life cycle.

- crypto.py: the token cipher (MultiFernet, keys from KYC_ENCRYPTION_KEYS) and key rotation.
- installations.py: slack_sdk's AsyncInstallationStore on KYC's own tables, for OAuth installs
  and for the one workspace of SLACK_BOT_TOKEN alike; uninstall, reinstall and purge.
- tokens.py: the token of a workspace for scheduled jobs and the sender (rotated when it
  expires), and which workspaces may not be sent to.
"""
