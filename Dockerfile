# The KYC bot: slim, non-root. `docker compose up` runs it with PostgreSQL (compose.yaml);
# alone: docker build -t kyc . && docker run --env-file .env -p 3000:3000 kyc
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN useradd --create-home --uid 10001 kyc

WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot bot
COPY handlers handlers
COPY scheduler scheduler
COPY storage storage
# `make install`'s line: the app without the dev tools (tests/unit/test_deploy.py).
RUN python -m pip install --no-cache-dir .

USER kyc
WORKDIR /home/kyc
EXPOSE 3000
# slim has no curl; /healthz is served by `kyc serve` (the worker's service turns this off)
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4)"]
CMD ["kyc", "serve", "--port", "3000"]
