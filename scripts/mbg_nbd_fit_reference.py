#!/usr/bin/env python3
# crm-metrics: independent SciPy fit of the modified BG/NBD (Batislam et al. 2007) on the CDNOW summary.
# Run: $(bash scripts/scipy-env.sh) scripts/mbg_nbd_fit_reference.py
# Printed 2026-11-23 (SciPy 1.10.1): [0.52483798 6.18299159 0.89135612 1.61399911] -9582.132684899902
import sys
import numpy as np
from scipy.special import gammaln, betaln
from scipy.optimize import minimize
d=np.genfromtxt(sys.argv[1] if len(sys.argv) > 1 else '../shared/data/cdnow/cdnow_customers_summary.csv',delimiter=',',names=True)
x,tx,T=d['frequency'],d['recency'],d['T']
def nll(lp):
    r,alpha,a,b=np.exp(lp)
    a1=gammaln(r+x)-gammaln(r)+r*np.log(alpha)
    a2=betaln(a,b+x+1)-betaln(a,b)
    a3=-(r+x)*np.log(alpha+T)
    a4=np.log(a)-np.log(b+x)-(r+x)*np.log(alpha+tx)
    return -np.sum(a1+a2+np.logaddexp(a3,a4))
res=minimize(nll,np.zeros(4),method='Nelder-Mead',options=dict(xatol=1e-10,fatol=1e-10,maxiter=20000,maxfev=40000))
res=minimize(nll,res.x,method='BFGS')
print(np.exp(res.x), -res.fun)
