"""gunicorn settings for tthc: `make run` and the deploy docs use this file (`-c`).

Command-line flags override it (`make run` sets --workers and --bind). The one thing it
must carry everywhere is the logger: link tokens (/ho-so/<token>, /so/<token>) open a
citizen's dossier, so neither the access log nor the error log may show them.
"""

from gunicorn.glogging import Logger

from tthc.logs import TokenFilter, mask_tokens


class TokenMaskingLogger(Logger):
    """gunicorn's logger with link tokens masked (the documented `logger_class` setting).

    The access log's atoms (request line, path, query, Referer, headers) are masked before
    formatting, whatever access_log_format asks for; the error log ("Error handling request
    /ho-so/…") goes through the same filter as the app's own loggers.
    """

    def setup(self, cfg):
        super().setup(cfg)
        token_filter = TokenFilter()
        for log in (self.error_log, self.access_log):
            log.addFilter(token_filter)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: mask_tokens(value) if isinstance(value, str) else value
                for key, value in atoms.items()}


logger_class = TokenMaskingLogger
accesslog = "-"
# Address, request (method and path: never the query, which can carry a typed search),
# status, bytes, milliseconds. Tokens in it are masked by TokenMaskingLogger.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
