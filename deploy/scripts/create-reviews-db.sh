#!/bin/sh
# The case store's own database and user beside Temporal's (PostgreSQL's first start).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" <<SQL
CREATE USER reviews WITH PASSWORD '${REVIEWS_DB_PASSWORD:-reviews}';
CREATE DATABASE reviews OWNER reviews;
SQL
