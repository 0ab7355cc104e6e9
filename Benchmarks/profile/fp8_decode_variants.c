/* The FP8 E4M3 x E4M3 dot with binary32 accumulation in the order fp32:lanes32, three ways of
 * decoding the codes, each checked bit for bit against a table-driven scalar loop on 2,000 random
 * lengths before it is timed (n = 4096, L1-resident, best of 20 x 1,000 calls):
 *   A  widen 16 codes to 16-bit lanes, place them as binary16, vcvtph2ps (the previous kernel),
 *      with mul + add and with a fused multiply-add;
 *   B  one 32-byte load, even codes shifted into the high byte, odd codes already there, then
 *      vcvtph2ps (the kernel's octet_fast8_load32);
 *   C  no vcvtph2ps: the code's bits placed into a binary32 (E4M3's exponent field becomes the
 *      binary32's, so subnormal codes become binary32 subnormals) and one operand scaled by 2^127.
 * NOSUB=1 draws codes without subnormals (E = 0), which shows what C would give without the
 * subnormal-operand assist.
 *
 *     cc -O2 Benchmarks/profile/fp8_decode_variants.c -lm -o /tmp/fp8v && taskset -c 1 /tmp/fp8v
 *     NOSUB=1 taskset -c 1 /tmp/fp8v
 */
#pragma STDC FP_CONTRACT OFF
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <math.h>
#include <time.h>
static float tab[256];
static void mktab(void){ for(int c=0;c<256;c++){int s=c>>7,E=(c>>3)&15,m=c&7; float v = E? ldexpf(8+m,E-7-3): ldexpf(m,-9); if((c&0x7f)==0x7f) v=NAN; tab[c]=s?-v:v;} }
static float fold32(float *l){for(int w=16;w>=1;w/=2)for(int j=0;j<w;j++)l[j]=l[j]+l[j+w];return l[0];}
static float ref(const uint8_t*a,const uint8_t*b,size_t n){float l[32]={0};for(size_t i=0;i<n;i++)l[i&31]=l[i&31]+tab[a[i]]*tab[b[i]];return fold32(l);}
static inline float p2(int e){uint32_t b=(uint32_t)(e+127)<<23;float f;memcpy(&f,&b,4);return f;}
/* A: current */
__attribute__((target("avx2,f16c,fma"))) static inline void raw16(const uint8_t*p,__m256*lo,__m256*hi){
 __m256i w=_mm256_slli_epi16(_mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i*)p)),8);
 w=_mm256_and_si256(_mm256_srai_epi16(w,1),_mm256_set1_epi16((short)(0x8000|((1<<14)-1))));
 *lo=_mm256_cvtph_ps(_mm256_castsi256_si128(w));*hi=_mm256_cvtph_ps(_mm256_extracti128_si256(w,1));}
__attribute__((target("avx2,f16c,fma"))) static float dotA(const uint8_t*a,const uint8_t*b,size_t n,int fma){
 __m256 c0=_mm256_setzero_ps(),c1=c0,c2=c0,c3=c0; size_t i=0;
 for(;i+32<=n;i+=32){__m256 a0,a1,a2,a3,b0,b1,b2,b3;raw16(a+i,&a0,&a1);raw16(b+i,&b0,&b1);raw16(a+i+16,&a2,&a3);raw16(b+i+16,&b2,&b3);
  if(fma){c0=_mm256_fmadd_ps(a0,b0,c0);c1=_mm256_fmadd_ps(a1,b1,c1);c2=_mm256_fmadd_ps(a2,b2,c2);c3=_mm256_fmadd_ps(a3,b3,c3);}
  else{c0=_mm256_add_ps(c0,_mm256_mul_ps(a0,b0));c1=_mm256_add_ps(c1,_mm256_mul_ps(a1,b1));c2=_mm256_add_ps(c2,_mm256_mul_ps(a2,b2));c3=_mm256_add_ps(c3,_mm256_mul_ps(a3,b3));}}
 __m256 u=_mm256_set1_ps(p2(16));float l[32];_mm256_storeu_ps(l,_mm256_mul_ps(c0,u));_mm256_storeu_ps(l+8,_mm256_mul_ps(c1,u));_mm256_storeu_ps(l+16,_mm256_mul_ps(c2,u));_mm256_storeu_ps(l+24,_mm256_mul_ps(c3,u));
 for(;i<n;i++)l[i&31]=l[i&31]+tab[a[i]]*tab[b[i]];return fold32(l);}
/* B: even/odd words, no widening */
__attribute__((target("avx2,f16c,fma"))) static inline void eo(const uint8_t*p,__m256i*ev,__m256i*od){
 __m256i w=_mm256_loadu_si256((const __m256i*)p); __m256i k=_mm256_set1_epi16((short)(0x8000|(0x7F<<7)));
 *ev=_mm256_and_si256(_mm256_srai_epi16(_mm256_slli_epi16(w,8),1),k); *od=_mm256_and_si256(_mm256_srai_epi16(w,1),k);}
__attribute__((target("avx2,f16c,fma"))) static float dotB(const uint8_t*a,const uint8_t*b,size_t n){
 __m256 c0=_mm256_setzero_ps(),c1=c0,c2=c0,c3=c0; size_t i=0;
 for(;i+32<=n;i+=32){__m256i ae,ao,be,bo;eo(a+i,&ae,&ao);eo(b+i,&be,&bo);
  c0=_mm256_fmadd_ps(_mm256_cvtph_ps(_mm256_castsi256_si128(ae)),_mm256_cvtph_ps(_mm256_castsi256_si128(be)),c0);
  c1=_mm256_fmadd_ps(_mm256_cvtph_ps(_mm256_extracti128_si256(ae,1)),_mm256_cvtph_ps(_mm256_extracti128_si256(be,1)),c1);
  c2=_mm256_fmadd_ps(_mm256_cvtph_ps(_mm256_castsi256_si128(ao)),_mm256_cvtph_ps(_mm256_castsi256_si128(bo)),c2);
  c3=_mm256_fmadd_ps(_mm256_cvtph_ps(_mm256_extracti128_si256(ao,1)),_mm256_cvtph_ps(_mm256_extracti128_si256(bo,1)),c3);}
 __m256 u=_mm256_set1_ps(p2(16));float t[4][8],l[32];_mm256_storeu_ps(t[0],_mm256_mul_ps(c0,u));_mm256_storeu_ps(t[1],_mm256_mul_ps(c1,u));_mm256_storeu_ps(t[2],_mm256_mul_ps(c2,u));_mm256_storeu_ps(t[3],_mm256_mul_ps(c3,u));
 for(int k=0;k<8;k++){l[2*k]=t[0][k];l[16+2*k]=t[1][k];l[2*k+1]=t[2][k];l[17+2*k]=t[3][k];}
 for(;i<n;i++)l[i&31]=l[i&31]+tab[a[i]]*tab[b[i]];return fold32(l);}
/* C: fp32 raw in place per byte position, scale b by mul */
__attribute__((target("avx2,f16c,fma"))) static float dotC(const uint8_t*a,const uint8_t*b,size_t n){
 __m256 c0=_mm256_setzero_ps(),c1=c0,c2=c0,c3=c0; size_t i=0; const __m256i k=_mm256_set1_epi32((int)0x87F00000u); const __m256 sc=_mm256_set1_ps(p2(127));
 for(;i+32<=n;i+=32){__m256i wa=_mm256_loadu_si256((const __m256i*)(a+i)),wb=_mm256_loadu_si256((const __m256i*)(b+i));
#define R(w,s) _mm256_castsi256_ps(_mm256_and_si256(_mm256_srai_epi32(_mm256_slli_epi32(w,s),4),k))
  c0=_mm256_fmadd_ps(R(wa,24),_mm256_mul_ps(R(wb,24),sc),c0);
  c1=_mm256_fmadd_ps(R(wa,16),_mm256_mul_ps(R(wb,16),sc),c1);
  c2=_mm256_fmadd_ps(R(wa,8),_mm256_mul_ps(R(wb,8),sc),c2);
  c3=_mm256_fmadd_ps(_mm256_castsi256_ps(_mm256_and_si256(_mm256_srai_epi32(wa,4),k)),_mm256_mul_ps(_mm256_castsi256_ps(_mm256_and_si256(_mm256_srai_epi32(wb,4),k)),sc),c3);}
 /* products scaled: a·2^-120 · b·2^(136-120) = ab·2^-104 ; unscale 2^104 */
 __m256 u=_mm256_set1_ps(p2(113));float t[4][8],l[32];_mm256_storeu_ps(t[0],_mm256_mul_ps(c0,u));_mm256_storeu_ps(t[1],_mm256_mul_ps(c1,u));_mm256_storeu_ps(t[2],_mm256_mul_ps(c2,u));_mm256_storeu_ps(t[3],_mm256_mul_ps(c3,u));
 for(int j=0;j<8;j++)for(int q=0;q<4;q++)l[4*j+q]=t[q][j];
 for(;i<n;i++)l[i&31]=l[i&31]+tab[a[i]]*tab[b[i]];return fold32(l);}
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(){mktab();size_t n=4096;uint8_t*a=malloc(n),*b=malloc(n);srand(1);
 for(int trial=0;trial<2000;trial++){size_t m=rand()%n;for(size_t i=0;i<m;i++){do{a[i]=rand();}while((a[i]&0x7f)==0x7f);do{b[i]=rand();}while((b[i]&0x7f)==0x7f);}
  float r=ref(a,b,m);float x[4]={dotA(a,b,m,0),dotA(a,b,m,1),dotB(a,b,m),dotC(a,b,m)};for(int v=0;v<4;v++)if(memcmp(&r,&x[v],4)){printf("mismatch v%d m=%zu %a %a\n",v,m,r,x[v]);return 1;}}
 for(size_t i=0;i<n;i++){do{a[i]=rand();}while((a[i]&0x7f)==0x7f||getenv("NOSUB")&&(a[i]&0x78)==0);do{b[i]=rand();}while((b[i]&0x7f)==0x7f||getenv("NOSUB")&&(b[i]&0x78)==0);}
 const char*nm[4]={"A mul+add","A fma","B evenodd","C fp32raw"};
 for(int v=0;v<4;v++){double best=1e9;volatile float s;for(int r=0;r<20;r++){double t0=now();for(int k=0;k<1000;k++){s=v==0?dotA(a,b,n,0):v==1?dotA(a,b,n,1):v==2?dotB(a,b,n):dotC(a,b,n);}double t=now()-t0;if(t<best)best=t;}
  printf("%s: %.2f GMAC/s\n",nm[v],n*1000/best/1e9);}
}
