"""Durable background jobs: kinds, enqueueing, the worker that runs them, periodic schedules."""
