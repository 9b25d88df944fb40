"""Local stand-ins for Discord and Mastodon, used by the rehearsal and the tests; never by the live bot."""  # noqa: E501
