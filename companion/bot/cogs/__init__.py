"""One cog per command group: ``/move`` for members, ``/campaign`` for organisers."""
