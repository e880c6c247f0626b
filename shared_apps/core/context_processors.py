def csp(request):
    """The nonce of this response's Content-Security-Policy, for the rare inline style or script."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
