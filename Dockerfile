# The reviews image: worker, API and CLI (docker-compose.yml runs it as `worker` and `api`).
# The pages' GOV.UK Frontend and MOJ Frontend come from the npm registry, at build time.
FROM node:20-slim AS frontend
WORKDIR /frontend
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    REVIEWS_DATA_DIR=/var/lib/reviews REVIEWS_FRONTEND_DIR=/app/node_modules

RUN groupadd --system reviews && useradd --system --gid reviews --home-dir /var/lib/reviews reviews \
    && mkdir -p /var/lib/reviews && chown reviews:reviews /var/lib/reviews

WORKDIR /app
COPY pyproject.toml README.md ./
COPY api ./api
COPY activities ./activities
COPY contract ./contract
COPY domain ./domain
COPY starter ./starter
COPY store ./store
COPY workflows ./workflows
COPY worker.py ./
COPY --from=frontend /frontend/node_modules ./node_modules
RUN pip install .

USER reviews
VOLUME ["/var/lib/reviews"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
    CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8080/health', timeout=2)" || exit 1
ENTRYPOINT ["reviews"]
CMD ["worker"]
